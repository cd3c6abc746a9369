import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  Equals,
  IsArray,
  IsBoolean,
  IsIn,
  IsObject,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  NotEquals,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { Problem, ProblemCodes } from '../parsing/problem';
import {
  HasAtMostThreeDecimals,
  ID64,
  IsRfc3339WithOffset,
  IsSafeInteger,
  hasAtMostThreeDecimals,
  isSafeInteger,
} from './validators';

// The public contract POS front ends publish: shared/contracts/CHECKOUT_EVENT.md.
// WARNING: every field, type and rule here is wire format fixed by that document.

export const CHECKOUT_KINDS = ['SALE', 'REFUND'] as const;
export type CheckoutKind = (typeof CHECKOUT_KINDS)[number];

export const PAYMENT_METHODS = ['CASH', 'CARD', 'VIPPS', 'GIFT_CARD', 'INVOICE', 'OTHER'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

export const VAT_RATES = [25, 15, 12, 0] as const;
export type VatRate = (typeof VAT_RATES)[number];

/** ITEM: goods or services sold; GIFT_CARD: a gift card (multi-purpose voucher) sold. */
export const LINE_TYPES = ['ITEM', 'GIFT_CARD'] as const;
export type LineType = (typeof LINE_TYPES)[number];

/** Largest record a POS may publish on the topic. */
export const CHECKOUT_MAX_BYTES = 256 * 1024;

/**
 * Deepest nesting of objects and arrays in a POS record (the record itself is depth 1; a checkout
 * line is depth 3). Deeper values, even in fields the contract ignores, are rejected unread.
 */
export const CHECKOUT_MAX_DEPTH = 8;

/** Most JSON values a POS record may hold (500 lines of about 15 values fit in 10,000). */
export const CHECKOUT_MAX_VALUES = 20_000;

/** Printable text: no control characters. */
const PRINTABLE_1_32 = /^[^\p{Cc}\p{Cs}]{1,32}$/u;

const presentUnlessUndefined = (field: string) => (o: object) =>
  (o as Record<string, unknown>)[field] !== undefined;

export class CheckoutLineV1 {
  @Length(1, 36)
  @IsString()
  lineId!: string;

  @Length(1, 64)
  @IsString()
  articleId!: string;

  @Length(1, 255)
  @IsString()
  description!: string;

  @Matches(ID64, { message: 'productGroupId must be 1–64 characters of A-Z, a-z, 0-9, _ or -' })
  @IsString()
  productGroupId!: string;

  /** Units sold; up to 3 decimals for weighed goods; negative only in a REFUND. */
  @Max(1_000_000)
  @Min(-1_000_000)
  @NotEquals(0, { message: 'quantity must not be 0' })
  @HasAtMostThreeDecimals()
  quantity!: number;

  /** Unit price in øre, VAT included. */
  @Min(0)
  @IsSafeInteger()
  unitPriceGross!: number;

  /** Discount in øre, VAT included, ≥ 0 (for a REFUND line: the discount that was given). */
  @Min(0)
  @IsSafeInteger()
  @ValidateIf(presentUnlessUndefined('discountGross'))
  discountGross = 0;

  /**
   * Line total in øre: round(quantity × unitPriceGross) − discountGross for a SALE,
   * round(quantity × unitPriceGross) + discountGross for a REFUND (rounded half away from zero).
   */
  @IsSafeInteger()
  totalGross!: number;

  @IsIn(VAT_RATES)
  vatRate!: VatRate;

  @IsBoolean()
  takeaway!: boolean;

  /**
   * Optional, default ITEM. GIFT_CARD: a gift card sold on this line (vatRate 0, takeaway false),
   * booked to the company's gift-card liability outside the VAT return, never as revenue. Paying
   * with a gift card is a GIFT_CARD payment, not a line.
   */
  @IsIn(LINE_TYPES)
  @ValidateIf(presentUnlessUndefined('lineType'))
  lineType?: LineType = 'ITEM';

  /**
   * Optional, default false; only with vatRate 0: the item is outside the scope of the VAT law
   * (VAT code 6) rather than zero-rated within it (code 5).
   */
  @IsBoolean()
  @ValidateIf(presentUnlessUndefined('outsideVatLaw'))
  outsideVatLaw?: boolean = false;
}

export class CheckoutPaymentV1 {
  @Matches(ID64, { message: 'paymentMethodId must be 1–64 characters of A-Z, a-z, 0-9, _ or -' })
  @IsString()
  paymentMethodId!: string;

  @IsIn(PAYMENT_METHODS)
  method!: PaymentMethod;

  /** Øre; > 0 for a SALE, < 0 for a REFUND. */
  @NotEquals(0, { message: 'amount must not be 0' })
  @IsSafeInteger()
  amount!: number;
}

/**
 * How Tripletex delivers an invoice (its `sendType`): EHF (needs the customer's organisation number
 * and address), EMAIL (the customer's invoice e-mail), PAPER (printed and posted) or MANUAL (made,
 * not sent).
 */
export const INVOICE_SEND_TYPES = ['EHF', 'EMAIL', 'PAPER', 'MANUAL'] as const;
export type InvoiceSendType = (typeof INVOICE_SEND_TYPES)[number];

export class CheckoutInvoiceV1 {
  /** The Tripletex customer id. */
  @Min(1)
  @IsSafeInteger()
  customerId!: number;

  @MaxLength(100)
  @IsString()
  @ValidateIf(presentUnlessUndefined('reference'))
  reference?: string;

  @MaxLength(1000)
  @IsString()
  @ValidateIf(presentUnlessUndefined('comment'))
  comment?: string;

  /**
   * Added after v1 went out (optional): how this invoice is delivered, when the company's settings
   * send invoices; absent: the company's choice, else the customer's send method in Tripletex.
   */
  @IsIn(INVOICE_SEND_TYPES)
  @ValidateIf(presentUnlessUndefined('sendType'))
  sendType?: InvoiceSendType;
}

export class CheckoutRefundOfV1 {
  @IsUUID('all')
  eventId!: string;

  @Matches(PRINTABLE_1_32, { message: 'receiptNumber must be 1–32 printable characters' })
  @IsString()
  receiptNumber!: string;
}

export class CheckoutCompletedV1 {
  /** UUID; the idempotency key: the same eventId twice is one checkout. */
  @IsUUID('all')
  eventId!: string;

  @Equals(1, { message: 'schemaVersion must be 1 on pos.checkout.completed.v1' })
  schemaVersion!: 1;

  @Matches(ID64, { message: 'companyId must be 1–64 characters of A-Z, a-z, 0-9, _ or -' })
  @IsString()
  companyId!: string;

  @Matches(ID64, { message: 'locationId must be 1–64 characters of A-Z, a-z, 0-9, _ or -' })
  @IsString()
  locationId!: string;

  @Matches(ID64, { message: 'registerId must be 1–64 characters of A-Z, a-z, 0-9, _ or -' })
  @IsString()
  @ValidateIf(presentUnlessUndefined('registerId'))
  registerId?: string;

  @Matches(PRINTABLE_1_32, { message: 'receiptNumber must be 1–32 printable characters' })
  @IsString()
  receiptNumber!: string;

  @IsIn(CHECKOUT_KINDS)
  kind!: CheckoutKind;

  /** REFUND only: the original sale. */
  @ValidateNested()
  @IsObject()
  @Type(() => CheckoutRefundOfV1)
  @ValidateIf(presentUnlessUndefined('refundOf'))
  refundOf?: CheckoutRefundOfV1;

  /** RFC 3339 with offset; the business day is derived from it in Europe/Oslo. */
  @IsRfc3339WithOffset()
  completedAt!: string;

  @Equals('NOK', { message: 'currency must be NOK (other currencies are not supported in v1)' })
  currency!: 'NOK';

  @ValidateNested({ each: true })
  @ArrayMaxSize(500)
  @ArrayMinSize(1)
  @IsArray()
  @Type(() => CheckoutLineV1)
  lines!: CheckoutLineV1[];

  @ValidateNested({ each: true })
  @ArrayMaxSize(20)
  @ArrayMinSize(1)
  @IsArray()
  @Type(() => CheckoutPaymentV1)
  payments!: CheckoutPaymentV1[];

  /** Øre; ≥ 0 for a SALE, ≤ 0 for a REFUND. */
  @IsSafeInteger()
  @ValidateIf(presentUnlessUndefined('tip'))
  tip = 0;

  /** Cash rounding (øreavrunding) in øre, −99 … 99. */
  @Max(99)
  @Min(-99)
  @IsSafeInteger()
  @ValidateIf(presentUnlessUndefined('rounding'))
  rounding = 0;

  /** Required when a payment has method INVOICE, forbidden otherwise. */
  @ValidateNested()
  @IsObject()
  @Type(() => CheckoutInvoiceV1)
  @ValidateIf(presentUnlessUndefined('invoice'))
  invoice?: CheckoutInvoiceV1;
}

/** round(quantity × unitPrice) in øre, computed exactly and rounded half away from zero. */
export function grossOf(quantity: number, unitPriceGross: number): number {
  const thousandths = BigInt(Math.round(quantity * 1000));
  const product = thousandths * BigInt(unitPriceGross);
  const negative = product < 0n;
  const abs = negative ? -product : product;
  let rounded = abs / 1000n;
  if (abs % 1000n >= 500n) rounded += 1n;
  return Number(negative ? -rounded : rounded);
}

/** The line total the contract demands for a line of this kind of checkout. */
export function expectedLineTotal(kind: CheckoutKind, line: CheckoutLineV1): number {
  const gross = grossOf(line.quantity, line.unitPriceGross);
  return kind === 'SALE' ? gross - line.discountGross : gross + line.discountGross;
}

/**
 * The rules across fields. Runs on whatever parts are well-typed, so a record with a wrong
 * type elsewhere still gets every cross-field problem reported.
 */
export function checkoutRuleProblems(e: CheckoutCompletedV1): Problem[] {
  const problems: Problem[] = [];
  const lines = Array.isArray(e.lines) ? e.lines : [];
  const payments = Array.isArray(e.payments) ? e.payments : [];
  const kind = e.kind;
  const isSale = kind === 'SALE';
  const isRefund = kind === 'REFUND';

  let linesWellTyped = lines.length > 0;
  let linesSum = 0n;
  lines.forEach((line, i) => {
    const typed =
      line !== null &&
      typeof line === 'object' &&
      hasAtMostThreeDecimals(line.quantity) &&
      isSafeInteger(line.unitPriceGross) &&
      isSafeInteger(line.discountGross) &&
      isSafeInteger(line.totalGross);
    if (!typed) {
      linesWellTyped = false;
      return;
    }
    linesSum += BigInt(line.totalGross);
    if (isSale || isRefund) {
      const expected = expectedLineTotal(kind, line);
      if (expected !== line.totalGross) {
        problems.push({
          path: `lines[${i}].totalGross`,
          code: ProblemCodes.LineTotalMismatch,
          message: `totalGross is ${line.totalGross} but round(${line.quantity} × ${line.unitPriceGross}) ${isSale ? '−' : '+'} ${line.discountGross} = ${expected}`,
        });
      }
    }
    if (isSale && line.totalGross < 0) {
      problems.push({
        path: `lines[${i}].totalGross`,
        code: ProblemCodes.SaleSign,
        message: 'a SALE line must not have a negative totalGross (use a REFUND)',
      });
    }
    if (isSale && line.quantity < 0) {
      problems.push({
        path: `lines[${i}].quantity`,
        code: ProblemCodes.SaleSign,
        message: 'quantity may be negative only in a REFUND',
      });
    }
    if (line.lineType === 'GIFT_CARD' && line.vatRate !== 0) {
      problems.push({
        path: `lines[${i}].vatRate`,
        code: ProblemCodes.GiftCardLine,
        message:
          'a GIFT_CARD line must have vatRate 0 (a gift card sold is outside the VAT return)',
      });
    }
    if (line.lineType === 'GIFT_CARD' && line.takeaway === true) {
      problems.push({
        path: `lines[${i}].takeaway`,
        code: ProblemCodes.GiftCardLine,
        message: 'a GIFT_CARD line must have takeaway false',
      });
    }
    if (line.outsideVatLaw === true && line.vatRate !== 0) {
      problems.push({
        path: `lines[${i}].outsideVatLaw`,
        code: ProblemCodes.OutsideVatLawRate,
        message: 'outsideVatLaw is allowed only on a line with vatRate 0',
      });
    }
    if (isRefund && line.totalGross > 0) {
      problems.push({
        path: `lines[${i}].totalGross`,
        code: ProblemCodes.RefundSign,
        message: 'a REFUND line must have totalGross ≤ 0',
      });
    }
  });
  if (isRefund && linesWellTyped && !lines.some((l) => l.totalGross < 0)) {
    problems.push({
      path: 'lines',
      code: ProblemCodes.RefundSign,
      message: 'a REFUND needs at least one line with a negative totalGross',
    });
  }

  let paymentsWellTyped = payments.length > 0;
  let paymentsSum = 0n;
  payments.forEach((p, i) => {
    if (p === null || typeof p !== 'object' || !isSafeInteger(p.amount)) {
      paymentsWellTyped = false;
      return;
    }
    paymentsSum += BigInt(p.amount);
    if (isSale && p.amount <= 0) {
      problems.push({
        path: `payments[${i}].amount`,
        code: ProblemCodes.SaleSign,
        message: 'a SALE payment amount must be > 0',
      });
    }
    if (isRefund && p.amount >= 0) {
      problems.push({
        path: `payments[${i}].amount`,
        code: ProblemCodes.RefundSign,
        message: 'a REFUND payment amount must be < 0',
      });
    }
  });

  if (isSafeInteger(e.tip)) {
    if (isSale && e.tip < 0) {
      problems.push({
        path: 'tip',
        code: ProblemCodes.SaleSign,
        message: 'tip must be ≥ 0 in a SALE',
      });
    }
    if (isRefund && e.tip > 0) {
      problems.push({
        path: 'tip',
        code: ProblemCodes.RefundSign,
        message: 'tip must be ≤ 0 in a REFUND',
      });
    }
  }

  if (linesWellTyped && paymentsWellTyped && isSafeInteger(e.tip) && isSafeInteger(e.rounding)) {
    const charged = linesSum + BigInt(e.tip) + BigInt(e.rounding);
    if (charged !== paymentsSum) {
      problems.push({
        path: 'payments',
        code: ProblemCodes.Unbalanced,
        message: `lines (${linesSum}) + tip (${e.tip}) + rounding (${e.rounding}) = ${charged} øre, but payments sum to ${paymentsSum} øre`,
      });
    }
  }

  const invoicePayments = payments.filter(
    (p) => p !== null && typeof p === 'object' && p.method === 'INVOICE',
  );
  if (invoicePayments.length > 0 && payments.length > 1) {
    problems.push({
      path: 'payments',
      code: ProblemCodes.InvoiceMixed,
      message: 'an INVOICE payment must be the only payment of the checkout',
    });
  }
  if (invoicePayments.length > 0 && e.invoice === undefined) {
    problems.push({
      path: 'invoice',
      code: ProblemCodes.InvoiceBlockMissing,
      message: 'a checkout paid by INVOICE needs the invoice block with the Tripletex customerId',
    });
  }
  if (invoicePayments.length === 0 && e.invoice !== undefined) {
    problems.push({
      path: 'invoice',
      code: ProblemCodes.InvoiceBlockForbidden,
      message: 'the invoice block is allowed only when a payment has method INVOICE',
    });
  }
  if (isSale && e.refundOf !== undefined) {
    problems.push({
      path: 'refundOf',
      code: ProblemCodes.RefundOfForbidden,
      message: 'refundOf is allowed only on a REFUND',
    });
  }
  return problems;
}
