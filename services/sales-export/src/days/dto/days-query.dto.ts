import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { DayState, DayStatuses } from '../day-statuses';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const ID64 = /^[A-Za-z0-9_-]{1,64}$/;
const DAY_STATES = Object.values(DayStatuses);

/**
 * Paging, as every BackOffice list (and Tripletex) does it: `from` (offset) and `count`; the
 * answer is `{ total, from, count, values }`.
 */
export class PageQueryDto {
  @ApiPropertyOptional({ default: 0, description: 'How many to skip (offset).' })
  @Min(0)
  @IsInt()
  @Type(() => Number)
  @IsOptional()
  from?: number;
}

export class DaysQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'First business day (YYYY-MM-DD), inclusive.' })
  @Matches(DAY, { message: 'dateFrom must be a date YYYY-MM-DD' })
  @IsOptional()
  dateFrom?: string;

  @ApiPropertyOptional({ description: 'Last business day (YYYY-MM-DD), inclusive.' })
  @Matches(DAY, { message: 'dateTo must be a date YYYY-MM-DD' })
  @IsOptional()
  dateTo?: string;

  @ApiPropertyOptional({ description: 'Only this location.' })
  @Matches(ID64, { message: 'locationId must be 1–64 characters of A-Z, a-z, 0-9, _ or -' })
  @IsOptional()
  locationId?: string;

  @ApiPropertyOptional({ enum: DAY_STATES })
  @IsIn(DAY_STATES)
  @IsOptional()
  status?: DayState;

  @ApiPropertyOptional({ default: 100, maximum: 1000, description: 'How many at most.' })
  @Max(1000)
  @Min(1)
  @IsInt()
  @Type(() => Number)
  @IsOptional()
  count?: number;
}

export class GapsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ default: 1000, maximum: 1000, description: 'How many at most.' })
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
