import { HttpStatus } from '@nestjs/common';
import type { InvoiceRetryCause } from '@pos-tripletex/contracts';
import { AppError } from '@pos-tripletex/platform';

const FINAL = { retriable: false, httpStatus: HttpStatus.UNPROCESSABLE_ENTITY };

/**
 * Every `INVOICING.*` code of the service, once: its message (plain words for the BackOffice
 * operator and the POS, which shows a FAILED request's reason), whether trying again can help, and
 * the HTTP status the edge answers with. HTTP errors and worker outcomes (the FAILED status event,
 * the dead-letter record) both come from here.
 */
export const InvoicingErrors = {
  notFound: (checkoutEventId: string) =>
    new AppError(
      'INVOICING.NOT_FOUND',
      `No checkout ${checkoutEventId} charged by invoice is known for this company.`,
      { retriable: false, httpStatus: HttpStatus.NOT_FOUND },
    ),

  /** `known: false` – no settings arrived for the company within a day of its checkout. */
  integrationNotActive: (known = true) =>
    new AppError(
      'INVOICING.INTEGRATION_NOT_ACTIVE',
      known
        ? 'The Tripletex integration of this company is not active, so the sale cannot be invoiced.'
        : 'No Tripletex integration is known for this company, so the sale cannot be invoiced.',
      FINAL,
    ),
  notEnabled: () =>
    new AppError(
      'INVOICING.NOT_ENABLED',
      'Invoicing through Tripletex is not enabled (or the integration is not active) for this company.',
      FINAL,
    ),
  noToken: () =>
    new AppError('INVOICING.NO_TOKEN', 'no Tripletex token in the integration settings', FINAL),

  refundWithoutOriginal: () =>
    new AppError(
      'INVOICING.REFUND_WITHOUT_ORIGINAL',
      'A refund of a sale paid by invoice must name the original sale (refundOf) so its invoice can be credited.',
      FINAL,
    ),
  originalUnknown: (refundOf: string | null) =>
    new AppError(
      'INVOICING.ORIGINAL_UNKNOWN',
      `The refunded sale ${refundOf ?? ''} was not paid by invoice here, so there is no invoice to credit.`,
      FINAL,
    ),
  originalNotInvoiced: () =>
    new AppError(
      'INVOICING.ORIGINAL_NOT_INVOICED',
      'The refunded sale was never invoiced (its invoice request failed): retry the sale first, then this refund.',
      FINAL,
    ),
  refundExceedsOriginal: (refund: number, left: number) =>
    new AppError(
      'INVOICING.REFUND_EXCEEDS_ORIGINAL',
      `The refund (${refund} øre) is more than is left to credit of the sale (${left} øre).`,
      FINAL,
    ),

  giftCardOnInvoice: () =>
    new AppError(
      'INVOICING.GIFT_CARD_ON_INVOICE',
      'A gift card sold on an invoice cannot be booked to the gift-card liability through a Tripletex invoice (an invoice line books revenue); sell the gift card with another payment method, or invoice it in Tripletex.',
      FINAL,
    ),

  vatCodeMissing: (code: string) =>
    new AppError(
      'INVOICING.VAT_CODE_MISSING',
      `VAT code ${code} is not active in Tripletex for this company.`,
      FINAL,
    ),
  productGroupUnmapped: (productGroupId: string, takeaway: boolean, vatRate: number) =>
    new AppError(
      'INVOICING.PRODUCT_GROUP_UNMAPPED',
      `Product group ${productGroupId} (${takeaway ? 'takeaway' : 'eat-in'}, ${vatRate} %) has no revenue account in the integration's settings: map it, and the sale is invoiced.`,
      FINAL,
    ),
  tipsUnmapped: () =>
    new AppError(
      'INVOICING.TIPS_UNMAPPED',
      "The sale has a tip, and no tips account is mapped in the integration's settings: map it, and the sale is invoiced.",
      FINAL,
    ),
  /** Tripletex refused the product a mapped account is booked through (e.g. a VAT-locked account). */
  productRefused: (number: string, said: string) =>
    new AppError(
      'INVOICING.PRODUCT_REFUSED',
      `Tripletex refused product ${number} on the mapped account: ${said}`,
      FINAL,
    ),
  customerUnknown: (customerId: number) =>
    new AppError(
      'INVOICING.CUSTOMER_UNKNOWN',
      `Customer ${customerId} does not exist in Tripletex for this company.`,
      FINAL,
    ),
  customerInactive: (customer: string | number) =>
    new AppError(
      'INVOICING.CUSTOMER_INACTIVE',
      `Customer ${customer} is inactive in Tripletex.`,
      FINAL,
    ),

  /** Tripletex refuses to invoice before the company has a bank account number; `said` is its message. */
  noBankAccount: (said: string) =>
    new AppError('INVOICING.NO_BANK_ACCOUNT', `Tripletex: ${said}`, FINAL),
  missingAccess: (said: string) =>
    new AppError('INVOICING.MISSING_ACCESS', `Tripletex refused access: ${said}`, FINAL),
  /** Any other refusal (a 422: e.g. an EHF customer without a postal address). */
  tripletexRefused: (said: string) =>
    new AppError('INVOICING.TRIPLETEX_REFUSED', `Tripletex: ${said}`, FINAL),

  badRange: () =>
    new AppError(
      'INVOICING.BAD_RANGE',
      'dateTo must be on or after dateFrom, and at most 366 days later.',
      { retriable: false, httpStatus: HttpStatus.BAD_REQUEST },
    ),
  notRetryable: (checkoutEventId: string, status: string) =>
    new AppError(
      'INVOICING.NOT_RETRYABLE',
      `Checkout ${checkoutEventId} is ${status}: only a failed or waiting request can be retried.`,
      { retriable: false, httpStatus: HttpStatus.CONFLICT },
    ),
};

/**
 * What takes a FAILED request up again on its own, by its code (a code not listed waits for an
 * operator's retry): the bank account number registered (found by InvoicingWatcher), the
 * customer changed in Tripletex (customers.changed.v1), the company's settings changed (active
 * again, invoicing on, a new token). The retry may fail again; then it waits for the next change.
 */
export const RETRY_ON: Readonly<Record<string, InvoiceRetryCause>> = {
  'INVOICING.NO_BANK_ACCOUNT': 'BANK_ACCOUNT',
  'INVOICING.CUSTOMER_UNKNOWN': 'CUSTOMER',
  'INVOICING.CUSTOMER_INACTIVE': 'CUSTOMER',
  'INVOICING.TRIPLETEX_REFUSED': 'CUSTOMER',
  'INVOICING.INTEGRATION_NOT_ACTIVE': 'SETTINGS',
  'INVOICING.NOT_ENABLED': 'SETTINGS',
  'INVOICING.NO_TOKEN': 'SETTINGS',
  'INVOICING.MISSING_ACCESS': 'SETTINGS',
  'INVOICING.VAT_CODE_MISSING': 'SETTINGS',
  'INVOICING.PRODUCT_GROUP_UNMAPPED': 'SETTINGS',
  'INVOICING.TIPS_UNMAPPED': 'SETTINGS',
  'INVOICING.PRODUCT_REFUSED': 'SETTINGS',
};
