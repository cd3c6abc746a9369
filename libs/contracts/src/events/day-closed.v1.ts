import { IsIn, IsOptional, IsString, IsUUID, Matches, Min } from 'class-validator';
import { ID64, IsIsoDay, IsRfc3339WithOffset, IsSafeInteger } from './validators';

/**
 * Optional Z-report signal from a POS: the business day at a location is closed. Without it a
 * day closes at the company's cut-off hour (Europe/Oslo) plus a grace period.
 */
export class DayClosedV1 {
  @IsUUID('all')
  eventId!: string;

  @IsIn([1], { message: 'schemaVersion must be 1 on pos.day.closed.v1' })
  schemaVersion!: 1;

  @Matches(ID64)
  @IsString()
  companyId!: string;

  @Matches(ID64)
  @IsString()
  locationId!: string;

  @Matches(ID64)
  @IsString()
  @IsOptional()
  registerId?: string;

  /** The business day closed, `YYYY-MM-DD` in Europe/Oslo. */
  @IsIsoDay()
  businessDay!: string;

  @IsRfc3339WithOffset()
  closedAt!: string;

  /** Z-report count of checkouts in the day, when the POS knows it: lets us detect missing sales. */
  @Min(0)
  @IsSafeInteger()
  @IsOptional()
  checkoutCount?: number;

  /** Z-report gross total of the day in øre, when the POS knows it. */
  @IsSafeInteger()
  @IsOptional()
  totalGross?: number;

  /**
   * The cash counted in the drawer at closing, in øre, when the POS counts it. Its difference to
   * the day's cash payments is posted between the cash account and the cash-difference account.
   */
  @Min(0)
  @IsSafeInteger()
  @IsOptional()
  countedCash?: number;
}
