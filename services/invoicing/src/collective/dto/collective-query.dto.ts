import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Min } from 'class-validator';

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
