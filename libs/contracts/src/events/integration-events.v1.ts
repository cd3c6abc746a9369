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
 * integration.invoice-payment-method.v1 (compacted, key = companyId): the POS switches its
 * Invoice payment method on when invoicing through Tripletex is enabled, and off when it is not,
 * so the operator does not have to. The newest `version` wins.
 */
export class InvoicePaymentMethodV1 {
  @IsUUID('all')
  eventId!: string;

  @IsIn([1])
  schemaVersion!: 1;

  @Matches(ID64)
  @IsString()
  companyId!: string;

  @IsBoolean()
  enabled!: boolean;

  /** Collective invoicing: the POS gathers a customer's sales on one invoice. */
  @IsBoolean()
  collective = false;

  /** Why it is off, in plain words (e.g. "no bank account number is registered in Tripletex"). */
  @MaxLength(500)
  @IsString()
  @IsOptional()
  reason?: string;

  @Min(1)
  @IsSafeInteger()
  version!: number;

  @IsRfc3339WithOffset()
  changedAt!: string;
}

/**
 * integration.tripletex-auth-failed.v1: a service reports that Tripletex refused a company's
 * employee token (401 even with a fresh session); onboarding re-verifies it and marks the
 * integration as needing attention.
 */
export class TripletexAuthFailedV1 {
  @IsUUID('all')
  eventId!: string;

  @IsIn([1])
  schemaVersion!: 1;

  @Matches(ID64)
  @IsString()
  companyId!: string;

  /** The reporting service. */
  @Matches(ID64)
  @IsString()
  service!: string;

  @MaxLength(1000)
  @IsString()
  message!: string;

  @IsRfc3339WithOffset()
  failedAt!: string;
}
