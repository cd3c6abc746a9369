import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';

export class CreateAccountDto {
  @ApiProperty({
    example: 1921,
    description: 'Account number (1000–8999) the company does not have yet.',
  })
  @Max(8999)
  @Min(1000)
  @IsInt()
  number!: number;

  @ApiProperty({ example: 'Kortoppgjør' })
  @MaxLength(100)
  @MinLength(1)
  @IsString()
  name!: string;
}

export class AccountsQueryDto {
  @ApiPropertyOptional({ description: 'Account number prefix or part of the name.' })
  @MaxLength(100)
  @IsString()
  @IsOptional()
  query?: string;

  @ApiPropertyOptional({ default: 0 })
  @Min(0)
  @IsInt()
  @Type(() => Number)
  @IsOptional()
  from?: number;

  @ApiPropertyOptional({ default: 100, maximum: 1000 })
  @Max(1000)
  @Min(1)
  @IsInt()
  @Type(() => Number)
  @IsOptional()
  count?: number;
}

export class CreateDepartmentDto {
  @ApiProperty({ example: 'Storgata', description: 'The department name (e.g. the location).' })
  @MaxLength(100)
  @MinLength(1)
  @IsString()
  name!: string;

  @ApiPropertyOptional({
    example: '2',
    description:
      'Department number; left out, Tripletex numbers it. A number in use is refused by Tripletex (ONBOARDING.TRIPLETEX_REFUSED).',
  })
  @MaxLength(20)
  @MinLength(1)
  @IsString()
  @IsOptional()
  number?: string;
}

/** A ledger account for the wizard's selects. */
export class AccountOptionView {
  @ApiProperty({ type: 'integer', example: 1000123, description: 'Tripletex account id.' })
  id!: number;

  @ApiProperty({ type: 'integer', example: 1921 })
  number!: number;

  @ApiProperty({ example: 'Kortoppgjør' })
  name!: string;

  @ApiProperty({ description: 'Postings must use the account’s own VAT code.' })
  vatLocked!: boolean;

  @ApiProperty({ type: String, nullable: true, example: '3', description: 'The locked VAT code.' })
  vatCode!: string | null;

  @ApiProperty({ description: 'A bank account (cash, card clearing).' })
  isBankAccount!: boolean;
}

export class AccountPageView {
  @ApiProperty({ type: 'integer', example: 0 })
  from!: number;

  @ApiProperty({ type: 'integer', example: 1, description: 'How many `values` holds.' })
  count!: number;

  @ApiProperty({ description: 'More accounts match than this page holds (page on with `from`).' })
  hasMore!: boolean;

  @ApiProperty({ type: [AccountOptionView] })
  values!: AccountOptionView[];
}

/** A Tripletex department for the locations step. */
export class DepartmentOptionView {
  @ApiProperty({ type: 'integer', example: 1000789 })
  id!: number;

  @ApiProperty({ type: String, nullable: true, example: '2' })
  number!: string | null;

  @ApiProperty({ example: 'Storgata' })
  name!: string;

  @ApiProperty({ example: false })
  inactive!: boolean;
}

export class DepartmentListView {
  @ApiProperty({ type: [DepartmentOptionView] })
  values!: DepartmentOptionView[];
}

/** An outgoing VAT type of the company. */
export class VatTypeView {
  @ApiProperty({ type: 'integer', required: false, example: 3 })
  id?: number;

  @ApiProperty({ required: false, example: '3' })
  number?: string;

  @ApiProperty({ required: false, example: 'Utgående mva, høy sats' })
  name?: string;

  @ApiProperty({ required: false, example: 25 })
  percentage?: number;
}

export class VatTypeListView {
  @ApiProperty({ type: [VatTypeView] })
  values!: VatTypeView[];
}
