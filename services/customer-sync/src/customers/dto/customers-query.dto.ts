import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

const toBoolean = ({ value }: { value: unknown }) =>
  value === 'true' ? true : value === 'false' ? false : value;

export class CustomersQueryDto {
  @ApiPropertyOptional({
    description:
      'Part of the name, the start of the customer number or e-mail, or the whole organisation number.',
  })
  @MaxLength(100)
  @IsString()
  @IsOptional()
  query?: string;

  @ApiPropertyOptional()
  @Min(0)
  @IsInt()
  @Type(() => Number)
  @IsOptional()
  customerNumber?: number;

  @ApiPropertyOptional()
  @MaxLength(32)
  @IsString()
  @IsOptional()
  organizationNumber?: string;

  @ApiPropertyOptional()
  @MaxLength(255)
  @IsString()
  @IsOptional()
  email?: string;

  @ApiPropertyOptional({
    default: false,
    description: 'Include inactive customers (never offered on the POS).',
  })
  @IsBoolean()
  @Transform(toBoolean)
  @IsOptional()
  includeInactive?: boolean;

  @ApiPropertyOptional({
    enum: ['name', '-name', 'customerNumber', '-customerNumber', 'updatedAt', '-updatedAt'],
    default: 'name',
  })
  @IsIn(['name', '-name', 'customerNumber', '-customerNumber', 'updatedAt', '-updatedAt'])
  @IsOptional()
  sort?: string;

  @ApiPropertyOptional({ default: 0 })
  @Min(0)
  @IsInt()
  @Type(() => Number)
  @IsOptional()
  from?: number;

  @ApiPropertyOptional({ default: 50, maximum: 500 })
  @Max(500)
  @Min(1)
  @IsInt()
  @Type(() => Number)
  @IsOptional()
  count?: number;
}
