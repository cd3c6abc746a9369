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
