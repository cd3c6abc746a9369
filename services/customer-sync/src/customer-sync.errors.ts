import { HttpStatus } from '@nestjs/common';
import { AppError } from '@pos-tripletex/platform';

/**
 * Every error customer-sync raises, with its stable code, its message, whether trying again can
 * help, and the HTTP status BackOffice or Tripletex (webhooks) gets. HTTP errors and the sync
 * worker's recorded outcomes both come from here; no code is written anywhere else.
 */
export const CustomerSyncErrors = {
  /** The company's integration is not ACTIVE (or was never seen): its customers are not served. */
  notActive: () =>
    new AppError(
      'CUSTOMER_SYNC.NOT_ACTIVE',
      'The Tripletex integration is not active for this company, so its customers are not served.',
      { retriable: false, httpStatus: HttpStatus.CONFLICT },
    ),
  /** No integration.config.v1 has been seen for the company. */
  unknownCompany: () =>
    new AppError(
      'CUSTOMER_SYNC.UNKNOWN',
      'No Tripletex integration has been seen for this company.',
      { retriable: false, httpStatus: HttpStatus.NOT_FOUND },
    ),
  /** Not in the mirror, or deleted in Tripletex. */
  customerNotFound: (customerId: number) =>
    new AppError('CUSTOMER_SYNC.NOT_FOUND', `Customer ${customerId} is not known.`, {
      retriable: false,
      httpStatus: HttpStatus.NOT_FOUND,
    }),
  /**
   * A webhook call that is not an authentic delivery of the company's current subscriptions.
   * WARNING: one answer for every reason (unknown company id, no subscription, wrong secret, bad
   * signature, an old subscription, secrets that do not open): the caller learns nothing, not
   * even whether the company exists. The reason is logged (WebhookService).
   */
  webhookRefused: () =>
    new AppError('CUSTOMER_SYNC.WEBHOOK_REFUSED', 'The webhook call is not authentic.', {
      retriable: false,
      httpStatus: HttpStatus.UNAUTHORIZED,
    }),
  /** An authentic webhook call that is not a customer event of our subscriptions. */
  webhookInvalid: () =>
    new AppError('CUSTOMER_SYNC.WEBHOOK_INVALID', 'not a customer event of our subscriptions', {
      retriable: false,
      httpStatus: HttpStatus.BAD_REQUEST,
    }),
  /** Tripletex could not be read for a webhook: 503, so Tripletex delivers it again. */
  tripletexUnavailable: (cause: string) =>
    new AppError(
      'CUSTOMER_SYNC.TRIPLETEX_UNAVAILABLE',
      `could not read the customer from Tripletex: ${cause}`,
      { retriable: true, httpStatus: HttpStatus.SERVICE_UNAVAILABLE },
    ),
  /**
   * Sync work for a company whose employee token we do not have (the worker records it and backs
   * off; the next settings version brings a token).
   */
  noToken: (companyId: string) =>
    new AppError('CUSTOMER_SYNC.NO_TOKEN', `no Tripletex token for ${companyId}`, {
      retriable: true,
      httpStatus: HttpStatus.SERVICE_UNAVAILABLE,
    }),
  /**
   * The company's sync work was overtaken by a newer change (deactivated, or a new full sync
   * started): the running turn stops before its next Tripletex call and writes nothing more.
   */
  superseded: (companyId: string) =>
    new AppError(
      'CUSTOMER_SYNC.SUPERSEDED',
      `the sync of ${companyId} was overtaken by a newer change (deactivated or restarted)`,
      { retriable: false, httpStatus: HttpStatus.CONFLICT },
    ),
};
