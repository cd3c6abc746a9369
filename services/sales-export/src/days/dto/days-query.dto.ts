import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const ID64 = /^[A-Za-z0-9_-]{1,64}$/;
export const DAY_STATES = [
  'OPEN',
  'CLOSED',
  'EXPORTING',
  'POSTED',
  'NOTHING_TO_POST',
  'UNMAPPED',
  'FAILED',
] as const;

export class DaysQueryDto {
  @ApiPropertyOptional({ description: 'First business day (YYYY-MM-DD), inclusive.' })
  @Matches(DAY, { message: 'from must be a date YYYY-MM-DD' })
  @IsOptional()
  from?: string;

  @ApiPropertyOptional({ description: 'Last business day (YYYY-MM-DD), inclusive.' })
  @Matches(DAY, { message: 'to must be a date YYYY-MM-DD' })
  @IsOptional()
  to?: string;

  @ApiPropertyOptional({ description: 'Only this location.' })
  @Matches(ID64, { message: 'locationId must be 1–64 characters of A-Z, a-z, 0-9, _ or -' })
  @IsOptional()
  locationId?: string;

  @ApiPropertyOptional({ enum: DAY_STATES })
  @IsIn(DAY_STATES)
  @IsOptional()
  status?: (typeof DAY_STATES)[number];

  @ApiPropertyOptional({ default: 0 })
  @Min(0)
  @IsInt()
  @Type(() => Number)
  @IsOptional()
  offset?: number;

  @ApiPropertyOptional({ default: 100, maximum: 1000 })
  @Max(1000)
  @Min(1)
  @IsInt()
  @Type(() => Number)
  @IsOptional()
  count?: number;
}

export class DayParamsDto {
  @Matches(ID64, { message: 'companyId must be 1–64 characters of A-Z, a-z, 0-9, _ or -' })
  companyId!: string;

  @Matches(ID64, { message: 'locationId must be 1–64 characters of A-Z, a-z, 0-9, _ or -' })
  locationId!: string;

  @Matches(DAY, { message: 'businessDay must be a date YYYY-MM-DD' })
  businessDay!: string;
}
