import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export class InvoicesQueryDto {
  @ApiPropertyOptional({ description: 'Tripletex customer id.' })
  @Min(1)
  @IsInt()
  @Type(() => Number)
  @IsOptional()
  customerId?: number;

  @ApiPropertyOptional({ description: 'First business day (YYYY-MM-DD), inclusive.' })
  @Matches(DAY)
  @IsOptional()
  dateFrom?: string;

  @ApiPropertyOptional({ description: 'Last business day (YYYY-MM-DD), inclusive.' })
  @Matches(DAY)
  @IsOptional()
  dateTo?: string;

  @ApiPropertyOptional({
    enum: ['PENDING', 'IN_FLIGHT', 'ORDERED', 'INVOICED', 'CREDITED', 'FAILED'],
  })
  @IsIn(['PENDING', 'IN_FLIGHT', 'ORDERED', 'INVOICED', 'CREDITED', 'FAILED'])
  @IsOptional()
  status?: string;

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

export class ReceiptQueryDto {
  @ApiPropertyOptional({ enum: ['json', 'text'], default: 'json' })
  @IsIn(['json', 'text'])
  @IsOptional()
  format?: 'json' | 'text';
}

export class CollectiveQueryDto {
  @ApiPropertyOptional({
    description: 'Only this customer (default: every customer with open orders).',
  })
  @Min(1)
  @IsInt()
  @Type(() => Number)
  @IsOptional()
  customerId?: number;
}
