import {
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  Min,
} from 'class-validator';
import { ID64, IsRfc3339WithOffset, IsSafeInteger } from './validators';

/**
 * customers.changed.v1 (compacted, key = `companyId:customerId`; a tombstone when the customer is
 * deleted in Tripletex): the customers a POS may pick when charging by invoice. POS front ends keep
 * a local list from it. `pickable` is false for inactive customers (they stay for history).
 */
export class CustomerChangedV1 {
  @IsUUID('all')
  eventId!: string;

  @IsIn([1])
  schemaVersion!: 1;

  @Matches(ID64)
  @IsString()
  companyId!: string;

  /** The Tripletex customer id (what a checkout's invoice.customerId refers to). */
  @Min(1)
  @IsSafeInteger()
  customerId!: number;

  @Min(0)
  @IsSafeInteger()
  @IsOptional()
  customerNumber?: number;

  @MaxLength(255)
  @IsString()
  name!: string;

  @IsString()
  @IsOptional()
  organizationNumber?: string;

  @MaxLength(255)
  @IsString()
  @IsOptional()
  email?: string;

  @IsBoolean()
  isInactive!: boolean;

  /** Whether the POS should offer the customer (active and not deleted). */
  @IsBoolean()
  pickable!: boolean;

  /** Tripletex's version of the customer: a consumer keeps the highest. */
  @Min(0)
  @IsSafeInteger()
  version!: number;

  @IsRfc3339WithOffset()
  changedAt!: string;
}
