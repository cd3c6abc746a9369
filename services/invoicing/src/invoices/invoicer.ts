import { Injectable, Logger } from '@nestjs/common';
import { CompanySettingsService } from '@pos-tripletex/company-settings';
import { IntegrationConfigV1 } from '@pos-tripletex/contracts';
import { addDays, AppError } from '@pos-tripletex/platform';
import {
  CompanyClients,
  Invoice,
  Order,
  TripletexCompanyClient,
  TripletexError,
  classifyFailure,
} from '@pos-tripletex/tripletex';
import { InvoicingEnv } from '../config/env.schema';
import { InvoicingErrors } from '../invoicing.errors';
import { InvoiceRequestEntity } from './entities/invoice-request.entity';
import { dueDate, orderFor, vatCodesOf } from './invoice-builder';

/** What became of a request at Tripletex. */
export type Outcome =
  | { status: 'INVOICED' | 'CREDITED'; invoice: Invoice; orderId?: number; customerName?: string }
  | { status: 'ORDERED'; order: Order; customerName?: string }
  | {
      status: 'RETRY';
      afterMs: number;
      error: string;
      unauthorized?: boolean;
      /** Retry after exactly afterMs (waiting for something of ours, not backing off Tripletex). */
      exact?: boolean;
    }
  | { status: 'FAILED'; code: string; reason: string };

/** The worker's hold on the request: throws when it is gone (see HeldLease). */
export interface LeaseCheck {
  throwIfLost(): void;
}

/** A final outcome with the catalogue's code and message. */
const final = (error: AppError): Outcome => ({
  status: 'FAILED',
  code: error.code,
  reason: error.message,
});

/** How long a checkout waits for its company's settings before it is refused. */
const SETTINGS_WAIT_MS = 24 * 60 * 60 * 1000;

/**
 * The Tripletex side of one request. On a first attempt it creates; on any later attempt (the
 * earlier one may have reached Tripletex: a timeout, a 5xx, a crash before we recorded the answer)
 * it first looks for the earlier result by the marker in the order's invoice comment, and only
 * creates what is not there.
 */
@Injectable()
export class Invoicer {
  private readonly logger = new Logger(Invoicer.name);
  private readonly customers = new Map<
    string,
    {
      at: number;
      customer: {
        name?: string;
        isInactive?: boolean;
        invoicesDueIn?: number;
        invoicesDueInType?: string;
      };
    }
  >();

  constructor(
    private readonly clients: CompanyClients,
    private readonly settings: CompanySettingsService,
    private readonly env: InvoicingEnv,
  ) {}

  client(config: IntegrationConfigV1): TripletexCompanyClient {
    return this.clients.forCompany(
      config.companyId,
      config.tripletex?.employeeToken,
      InvoicingErrors.noToken,
    );
  }

  /**
   * `lease` (the worker's hold on the request) is checked right before every Tripletex effect: a
   * worker that lost the request gives up without creating anything.
   */
  async process(
    r: InvoiceRequestEntity,
    originals: () => Promise<InvoiceRequestEntity | null>,
    lease?: LeaseCheck,
  ): Promise<Outcome> {
    const config = await this.settings.get(r.companyId);
    if (!config) {
      // The checkout came before the company's settings (different topics): wait for them, but
      // not for ever – a POS invoicing for a company that never onboarded gets its answer.
      if (Date.now() - r.createdAt.getTime() > SETTINGS_WAIT_MS)
        return final(InvoicingErrors.integrationNotActive(false));
      return {
        status: 'RETRY',
        // A safety net: the settings' arrival makes waiting requests due at once (InvoiceWorker).
        afterMs: Math.min(60_000, 5_000 * r.attempts),
        error: 'the company’s settings have not arrived yet',
        exact: true,
      };
    }
    if (r.mode === 'UNDECIDED')
      r.mode = config.invoicing.collective.enabled ? 'COLLECTIVE' : 'SINGLE';
    if (config.status !== 'ACTIVE' || !config.invoicing.enabled) {
      if (config?.status === 'NEEDS_ATTENTION')
        return {
          status: 'RETRY',
          afterMs: 10 * 60_000,
          error: 'the Tripletex integration needs attention',
        };
      return final(InvoicingErrors.notEnabled());
    }
    try {
      const tx = this.client(config);
      if (r.kind === 'CREDIT_NOTE')
        return await this.creditNote(tx, r, config, await originals(), lease);
      const customer = await this.customer(tx, r);
      if ('status' in customer) return customer;
      const found = r.attempts > 1 ? await this.findEarlier(tx, r) : null;
      if (r.mode === 'COLLECTIVE') {
        if (found) return { status: 'ORDERED', order: found.order, customerName: customer.name };
        const body = await this.order(tx, r);
        lease?.throwIfLost();
        const order = await tx.postOrder(body);
        return { status: 'ORDERED', order, customerName: customer.name };
      }
      if (found?.invoice)
        return {
          status: 'INVOICED',
          invoice: found.invoice,
          orderId: found.order.id,
          customerName: customer.name,
        };
      if (found) {
        lease?.throwIfLost();
        const invoice = await tx.invoiceOrder(found.order.id as number, r.businessDay, {
          sendToCustomer: config.invoicing.sendToCustomer,
        });
        return {
          status: 'INVOICED',
          invoice,
          orderId: found.order.id,
          customerName: customer.name,
        };
      }
      const orders = [await this.order(tx, r)];
      lease?.throwIfLost();
      const invoice = await tx.postInvoice(
        {
          invoiceDate: r.businessDay,
          invoiceDueDate: dueDate(r.businessDay, customer, this.env.DEFAULT_DUE_DAYS),
          orders,
        },
        { sendToCustomer: config.invoicing.sendToCustomer },
      );
      return {
        status: 'INVOICED',
        invoice,
        orderId: invoice.orders?.[0]?.id,
        customerName: customer.name,
      };
    } catch (error) {
      return this.classify(error);
    }
  }

  /** The order's lines with this company's VAT type ids (looked up by number, cached). */
  private async order(tx: TripletexCompanyClient, r: InvoiceRequestEntity): Promise<Order> {
    const ids = new Map<string, number>();
    for (const code of vatCodesOf(r.checkout)) {
      const vat = await tx.outgoingVatType(code);
      if (!vat?.id) throw InvoicingErrors.vatCodeMissing(code);
      ids.set(code, vat.id);
    }
    return orderFor(r.checkout, r.customerId, r.businessDay, ids);
  }

  /** The customer (due terms; checked to exist and be active), cached for five minutes. */
  private async customer(tx: TripletexCompanyClient, r: InvoiceRequestEntity) {
    const key = `${r.companyId}:${r.customerId}`;
    const cached = this.customers.get(key);
    let customer = cached && Date.now() - cached.at < 300_000 ? cached.customer : undefined;
    if (!customer) {
      try {
        customer = await tx.getCustomer(
          r.customerId,
          'id,name,isInactive,invoicesDueIn,invoicesDueInType',
        );
      } catch (error) {
        if (TripletexError.is(error, 'not-found')) {
          return final(InvoicingErrors.customerUnknown(r.customerId));
        }
        throw error;
      }
      this.customers.set(key, { at: Date.now(), customer });
    }
    if (customer.isInactive)
      return final(InvoicingErrors.customerInactive(customer.name ?? r.customerId));
    return customer;
  }

  /** The order (and its invoice) an earlier attempt created, found by the marker. */
  private async findEarlier(
    tx: TripletexCompanyClient,
    r: InvoiceRequestEntity,
  ): Promise<{ order: Order; invoice?: Invoice } | null> {
    const next = addDays(r.businessDay, 1);
    const orders = await tx.listOrders({
      customerId: String(r.customerId),
      orderDateFrom: r.businessDay,
      orderDateTo: next,
      fields: 'id,number,invoiceComment,isClosed',
    });
    const order = (orders.values ?? []).find((o) => (o.invoiceComment ?? '').includes(r.marker));
    if (!order) return null;
    this.logger.log(
      { checkout: r.checkoutEventId, orderId: order.id },
      'found the order of an earlier attempt',
    );
    if (!order.isClosed) return { order };
    const invoices = await tx.listInvoices({
      customerId: String(r.customerId),
      invoiceDateFrom: r.businessDay,
      invoiceDateTo: addDays(r.businessDay, 1),
      fields: 'id,invoiceNumber,kid,amount,isCreditNote,orders(id)',
    });
    const invoice = (invoices.values ?? []).find(
      (i) => !i.isCreditNote && (i.orders ?? []).some((o) => o.id === order.id),
    );
    return { order, invoice };
  }

  private async creditNote(
    tx: TripletexCompanyClient,
    r: InvoiceRequestEntity,
    config: IntegrationConfigV1,
    original: InvoiceRequestEntity | null,
    lease?: LeaseCheck,
  ): Promise<Outcome> {
    if (!original || original.kind !== 'INVOICE') {
      return final(InvoicingErrors.originalUnknown(r.refundOf));
    }
    if (original.status === 'PENDING' || original.status === 'IN_FLIGHT') {
      return { status: 'RETRY', afterMs: 30_000, error: 'the refunded sale is not invoiced yet' };
    }
    if (original.status !== 'INVOICED' || !original.invoiceId) {
      return final(InvoicingErrors.originalNotInvoiced());
    }
    if (original.mode === 'COLLECTIVE') {
      return final(InvoicingErrors.collectiveRefund());
    }
    if (-Number(r.totalGross) !== Number(original.totalGross)) {
      return final(InvoicingErrors.partialRefund());
    }
    if (r.attempts > 1) {
      const current = await tx.getInvoice(original.invoiceId, 'id,isCredited');
      if (current.isCredited) {
        const invoices = await tx.listInvoices({
          customerId: String(original.customerId),
          invoiceDateFrom: r.businessDay,
          invoiceDateTo: addDays(r.businessDay, 1),
          fields: 'id,invoiceNumber,kid,amount,creditedInvoice',
        });
        const credit = (invoices.values ?? []).find(
          (i) => i.creditedInvoice === original.invoiceId,
        );
        if (credit) return { status: 'CREDITED', invoice: credit };
      }
    }
    lease?.throwIfLost();
    const credit = await tx.createCreditNote(original.invoiceId, r.businessDay, {
      comment: `Retur: ${r.marker}`.slice(0, 255),
      sendToCustomer: config.invoicing.sendToCustomer,
    });
    return { status: 'CREDITED', invoice: credit };
  }

  /** Tripletex's classification (libs/tripletex) in this service's words. */
  private classify(error: unknown): Outcome {
    const failure = classifyFailure(error);
    switch (failure.kind) {
      case 'retry':
        return { status: 'RETRY', afterMs: failure.afterMs, error: failure.message };
      case 'token-rejected':
        return {
          status: 'RETRY',
          afterMs: failure.afterMs,
          error: failure.message,
          unauthorized: true,
        };
      case 'final':
        switch (failure.refusal) {
          case 'app': // our own refusal (a catalogue code), thrown while working on the request
            return { status: 'FAILED', code: failure.code, reason: failure.message };
          case 'no-bank-account':
            return final(InvoicingErrors.noBankAccount(failure.message));
          case 'forbidden':
            return final(InvoicingErrors.missingAccess(failure.message));
          default:
            return final(InvoicingErrors.tripletexRefused(failure.message));
        }
    }
  }
}
