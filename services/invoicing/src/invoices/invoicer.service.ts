import { Injectable, Logger } from '@nestjs/common';
import { CompanySettingsService } from '@pos-tripletex/company-settings';
import { IntegrationConfigV1 } from '@pos-tripletex/contracts';
import {
  CompanyClients,
  TripletexCompanyClient,
  TripletexError,
  classifyFailure,
} from '@pos-tripletex/tripletex';
import { CreditNoteService } from '../credit-notes/credit-note.service';
import { InvoicingErrors } from '../invoicing.errors';
import {
  InvoiceRequestEntity,
  RequestKinds,
  RequestMode,
  RequestModes,
  RequestStatuses,
} from './entities/invoice-request.entity';
import { findEarlierOrder } from './earlier-result';
import {
  contentRefusal,
  deliveryOf,
  dueDateByTerms,
  PaymentTerms,
  tripletexOrder,
} from './invoice-builder';
import { ProductCatalog } from './product-catalog';
import {
  Attempt,
  failedWith,
  InvoiceRequestOutcome,
  LeaseCheck,
  RETRY,
} from './invoice-request.outcome';
import { InvoiceRequestsRepository } from './invoice-requests.repository';

const { ORDERED, INVOICED } = RequestStatuses;

/** How long a checkout waits for its company's settings before it is refused. */
const SETTINGS_WAIT_MS = 24 * 60 * 60 * 1000;

/** How long an active customer's terms are cached (customers.changed.v1 forgets one at once). */
const CUSTOMER_CACHE_MS = 300_000;
/** Customers cached at most (the least recently read are forgotten first). */
const CUSTOMER_CACHE_SIZE = 10_000;

/** The customer's fields the invoicer reads: its name, whether it is active, its payment terms. */
interface Customer extends PaymentTerms {
  name?: string;
  isInactive?: boolean;
}

/** The fields of the customer read (its terms date the invoice: dueDateByTerms). */
const CUSTOMER_FIELDS = 'id,name,isInactive,invoicesDueIn,invoicesDueInType';

/**
 * The Tripletex side of one request. On a first attempt it creates; on any later attempt (the
 * earlier one may have reached Tripletex: a timeout, a 5xx, a crash before we recorded the answer)
 * it first looks for the earlier result by the marker in the order's invoice comment, and only
 * creates what is not there. Refunds become credit notes (CreditNoteService).
 */
@Injectable()
export class InvoicerService {
  private readonly logger = new Logger(InvoicerService.name);
  private readonly customers = new Map<string, { at: number; customer: Customer }>();

  constructor(
    private readonly clients: CompanyClients,
    private readonly settings: CompanySettingsService,
    private readonly requests: InvoiceRequestsRepository,
    private readonly creditNotes: CreditNoteService,
    private readonly products: ProductCatalog,
  ) {}

  /**
   * One attempt at a claimed request, and the mode it has after it (an UNDECIDED request's mode is
   * decided by the company's settings; the request itself is not changed). `lease` (the worker's
   * hold on the request) is checked right before every Tripletex effect: a worker that lost the
   * request gives up without creating anything.
   */
  async process(request: InvoiceRequestEntity, lease?: LeaseCheck): Promise<InvoiceRequestOutcome> {
    const config = await this.settings.get(request.companyId);
    if (!config) return { ...this.waitForSettings(request), mode: request.mode };
    const mode =
      request.mode !== RequestModes.UNDECIDED
        ? request.mode
        : config.invoicing.collective.enabled
          ? RequestModes.COLLECTIVE
          : RequestModes.SINGLE;
    return { ...(await this.attempt(request, mode, config, lease)), mode };
  }

  /**
   * The checkout came before the company's settings (different topics): wait for them, but not
   * for ever – a POS invoicing for a company that never onboarded gets its answer.
   */
  private waitForSettings(request: InvoiceRequestEntity): Attempt {
    if (Date.now() - request.createdAt.getTime() > SETTINGS_WAIT_MS)
      return failedWith(InvoicingErrors.integrationNotActive(false));
    return {
      status: RETRY,
      // A safety net: the settings' arrival makes waiting requests due at once
      // (SettingsAppliedListener).
      afterMs: Math.min(60_000, 5_000 * request.attempts),
      error: 'the company’s settings have not arrived yet',
      exact: true,
    };
  }

  private async attempt(
    request: InvoiceRequestEntity,
    mode: RequestMode,
    config: IntegrationConfigV1,
    lease?: LeaseCheck,
  ): Promise<Attempt> {
    if (config.status === 'NEEDS_ATTENTION')
      // Not a failure: the settings listener makes it due the moment the integration is ACTIVE
      // again; every 10 minutes is the safety net.
      return {
        status: RETRY,
        afterMs: 10 * 60_000,
        exact: true,
        waiting: true,
        error:
          'waiting: the Tripletex integration needs attention (e.g. a refused token); the sale is invoiced once it is active again',
      };
    if (config.status !== 'ACTIVE') return failedWith(InvoicingErrors.integrationNotActive());
    if (!config.invoicing.enabled) return failedWith(InvoicingErrors.notEnabled());
    const refusal = contentRefusal(request.checkout);
    if (refusal) return failedWith(refusal);
    try {
      const client = this.clients.forCompany(
        config.companyId,
        config.tripletex?.employeeToken,
        InvoicingErrors.noToken,
      );
      if (request.kind === RequestKinds.CREDIT_NOTE)
        return await this.creditNotes.credit(
          client,
          request,
          await this.requests.original(request),
          config,
          lease,
        );
      return await this.invoice(client, request, mode, config, lease);
    } catch (error) {
      return this.classify(error);
    }
  }

  /** A sale: its order (collective mode), or its invoice. */
  private async invoice(
    client: TripletexCompanyClient,
    request: InvoiceRequestEntity,
    mode: RequestMode,
    config: IntegrationConfigV1,
    lease?: LeaseCheck,
  ): Promise<Attempt> {
    const customer = await this.customer(client, request);
    if ('status' in customer) return customer;
    const found = request.attempts > 1 ? await this.findEarlier(client, request) : null;
    if (mode === RequestModes.COLLECTIVE) {
      if (found) return { status: ORDERED, order: found.order, customerName: customer.name };
      const body = await tripletexOrder(client, request, config, this.products);
      lease?.throwIfLost();
      const order = await client.postOrder(body);
      return { status: ORDERED, order, customerName: customer.name };
    }
    if (found?.invoice)
      return {
        status: INVOICED,
        invoice: found.invoice,
        orderId: found.order.id,
        customerName: customer.name,
      };
    const delivery = deliveryOf(request.checkout, config);
    // One call when we know the due date Tripletex would give (the customer's days or months) and
    // Tripletex's own choice of delivery holds (POST /invoice takes no sendType): the invoice with
    // its order inline, made together or not at all. Its order carries the marker like any other,
    // so a retry finds it the same way.
    const dueDate =
      !found && delivery.sendType === undefined
        ? dueDateByTerms(request.businessDay, customer)
        : undefined;
    if (dueDate) {
      const order = await tripletexOrder(client, request, config, this.products);
      lease?.throwIfLost();
      const invoice = await client.postInvoice(
        { invoiceDate: request.businessDay, invoiceDueDate: dueDate, orders: [order] },
        { sendToCustomer: delivery.sendToCustomer },
      );
      return {
        status: INVOICED,
        invoice,
        orderId: invoice.orders?.[0]?.id,
        customerName: customer.name,
      };
    }
    // Otherwise order first, then `:invoice`: Tripletex dates the invoice's due date by the
    // customer's terms (a fixed day of the month) or the company's default, as in its own UI, and
    // delivers it by the send type asked.
    const orderId = found?.order.id ?? (await this.newOrder(client, request, config, lease));
    lease?.throwIfLost();
    const invoice = await client.invoiceOrder(orderId, request.businessDay, delivery);
    return { status: INVOICED, invoice, orderId, customerName: customer.name };
  }

  /** A new order for the request in Tripletex; its id. */
  private async newOrder(
    client: TripletexCompanyClient,
    request: InvoiceRequestEntity,
    config: IntegrationConfigV1,
    lease?: LeaseCheck,
  ): Promise<number> {
    const body = await tripletexOrder(client, request, config, this.products);
    lease?.throwIfLost();
    return (await client.postOrder(body)).id as number;
  }

  /** Forgets a customer read before (it changed in Tripletex: its terms may have). */
  customerChanged(companyId: string, customerId: number): void {
    this.customers.delete(`${companyId}:${customerId}`);
  }

  /** The customer (checked to exist and be active); an active one is cached for five minutes. */
  private async customer(
    client: TripletexCompanyClient,
    request: InvoiceRequestEntity,
  ): Promise<Customer | Attempt> {
    const key = `${request.companyId}:${request.customerId}`;
    const cached = this.customers.get(key);
    let customer =
      cached && Date.now() - cached.at < CUSTOMER_CACHE_MS ? cached.customer : undefined;
    if (!customer) {
      try {
        customer = await client.getCustomer(request.customerId, CUSTOMER_FIELDS);
      } catch (error) {
        if (TripletexError.is(error, 'not-found'))
          return failedWith(InvoicingErrors.customerUnknown(request.customerId));
        throw error;
      }
      // Only an active customer is cached: a customer made active (or created) is seen at once
      // by the retry its change triggers.
      this.customers.delete(key);
      if (!customer.isInactive) {
        this.customers.set(key, { at: Date.now(), customer });
        if (this.customers.size > CUSTOMER_CACHE_SIZE)
          this.customers.delete(this.customers.keys().next().value as string);
      }
    }
    if (customer.isInactive)
      return failedWith(InvoicingErrors.customerInactive(customer.name ?? request.customerId));
    return customer;
  }

  /** The order (and its invoice) an earlier attempt created, found by the marker. */
  private async findEarlier(client: TripletexCompanyClient, request: InvoiceRequestEntity) {
    const found = await findEarlierOrder(client, request);
    if (found)
      this.logger.log(
        { checkout: request.checkoutEventId, orderId: found.order.id },
        'found the order of an earlier attempt',
      );
    return found;
  }

  /** Tripletex's classification (libs/tripletex) in this service's words. */
  private classify(error: unknown): Attempt {
    const failure = classifyFailure(error);
    switch (failure.kind) {
      case 'retry':
        return { status: RETRY, afterMs: failure.afterMs, error: failure.message };
      case 'token-rejected':
        return {
          status: RETRY,
          afterMs: failure.afterMs,
          error: failure.message,
          unauthorized: true,
        };
      case 'final':
        switch (failure.refusal) {
          case 'app': // our own refusal (a catalogue code), thrown while working on the request
            return { status: RequestStatuses.FAILED, code: failure.code, reason: failure.message };
          case 'no-bank-account':
            return failedWith(InvoicingErrors.noBankAccount(failure.message));
          case 'forbidden':
            return failedWith(InvoicingErrors.missingAccess(failure.message));
          default:
            return failedWith(InvoicingErrors.tripletexRefused(failure.message));
        }
    }
  }
}
