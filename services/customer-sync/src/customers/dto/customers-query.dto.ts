import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { CUSTOMER_SORTS, CustomerQuery, DEFAULT_PAGE } from '../customer-search';

const toBoolean = ({ value }: { value: unknown }) =>
  value === 'true' ? true : value === 'false' ? false : value;

/** A BackOffice customer list query; paging as Tripletex's (`from`, `count`). */
export class CustomersQueryDto implements CustomerQuery {
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

  @ApiPropertyOptional({ enum: CUSTOMER_SORTS, default: 'name' })
  @IsIn(CUSTOMER_SORTS)
  @IsOptional()
  sort?: string;

  @ApiPropertyOptional({
    default: DEFAULT_PAGE.from,
    description: 'The first customer of the page (0-based), as in Tripletex.',
  })
  @Min(0)
  @IsInt()
  @Type(() => Number)
  @IsOptional()
  from?: number;

  @ApiPropertyOptional({
    default: DEFAULT_PAGE.count,
    maximum: 500,
    description: 'How many customers at most; the answer’s count says how many it holds.',
  })
  @Max(500)
  @Min(1)
  @IsInt()
  @Type(() => Number)
  @IsOptional()
  count?: number;
}
