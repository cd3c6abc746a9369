import type { AppError } from '@pos-tripletex/platform';
import type { Invoice, Order } from '@pos-tripletex/tripletex';
import { RequestMode, RequestStatuses } from './entities/invoice-request.entity';

type Statuses = typeof RequestStatuses;

/** An attempt that settled nothing: the request stays PENDING and is due again later. */
export const RETRY = 'RETRY';

/** What one attempt at Tripletex came to (InvoicerService, CreditNoteService). */
export type Attempt =
  | {
      status: Statuses['INVOICED'];
      invoice: Invoice;
      orderId?: number;
      customerName?: string;
    }
  | {
      /** A credit note; without an invoice: the refunded sale's open order was changed instead. */
      status: Statuses['CREDITED'];
      invoice?: Invoice;
      orderId?: number;
      customerName?: string;
    }
  | { status: Statuses['ORDERED']; order: Order; customerName?: string }
  | {
      status: typeof RETRY;
      afterMs: number;
      error: string;
      /** Tripletex refused the company's token: reported to onboarding with the retry. */
      unauthorized?: boolean;
      /** Retry after exactly afterMs (waiting for something of ours, not backing off Tripletex). */
      exact?: boolean;
      /** Waiting for a person (e.g. the integration needs attention): a PENDING event says so. */
      waiting?: boolean;
    }
  | { status: Statuses['FAILED']; code: string; reason: string };

/**
 * An attempt and the request's mode after it: an UNDECIDED request's mode is decided by its
 * company's settings when they are there (and recorded with the outcome); the request itself is
 * never changed by the decision.
 */
export type InvoiceRequestOutcome = Attempt & { mode: RequestMode };

/** A final outcome: the catalogue's code and message (invoicing.errors.ts). */
export function failedWith(error: AppError): Attempt {
  return { status: RequestStatuses.FAILED, code: error.code, reason: error.message };
}

/** The worker's hold on the request: throws when it is gone (see HeldLease). */
export interface LeaseCheck {
  throwIfLost(): void;
}
