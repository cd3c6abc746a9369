import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { RequestStatus, RequestStatuses } from '../entities/invoice-request.entity';
import { DEFAULT_PAGE_SIZE, InvoiceRequestFilter, OPEN } from '../invoice-requests.repository';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export class InvoicesQueryDto implements InvoiceRequestFilter {
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
    enum: [...Object.values(RequestStatuses), OPEN],
    description: `${OPEN}: every request not completed yet – FAILED (with the reason), PENDING (waiting or retrying) and IN_FLIGHT.`,
  })
  @IsIn([...Object.values(RequestStatuses), OPEN])
  @IsOptional()
  status?: RequestStatus | typeof OPEN;

  /** Paging as Tripletex pages: skip `from` rows, answer at most `count`. */
  @ApiPropertyOptional({ default: 0, description: 'Index of the first row to answer.' })
  @Min(0)
  @IsInt()
  @Type(() => Number)
  @IsOptional()
  from?: number;

  @ApiPropertyOptional({
    default: DEFAULT_PAGE_SIZE,
    maximum: 500,
    description: 'Rows to answer at most.',
  })
  @Max(500)
  @Min(1)
  @IsInt()
  @Type(() => Number)
  @IsOptional()
  count?: number;
}

export class InvoiceDaysQueryDto {
  @ApiProperty({ description: 'First business day (YYYY-MM-DD), inclusive.' })
  @Matches(DAY)
  dateFrom!: string;

  @ApiProperty({ description: 'Last business day (YYYY-MM-DD), inclusive; at most 366 days on.' })
  @Matches(DAY)
  dateTo!: string;
}

export class ReceiptQueryDto {
  @ApiPropertyOptional({ enum: ['json', 'text'], default: 'json' })
  @IsIn(['json', 'text'])
  @IsOptional()
  format?: 'json' | 'text';
}
