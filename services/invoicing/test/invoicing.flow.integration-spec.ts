import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { deadLetterTopic, Topics } from '@pos-tripletex/contracts';
import {
  aCheckout,
  backOfficeJwt,
  Collector,
  describeFlow,
  eventually,
  failWrites,
  SandboxCompany,
  SpawnedService,
  uniqueName,
} from '@pos-tripletex/testing';
import { createDataSource } from '../src/database/setup';
import {
  aChristmasLunch,
  invoicingMappings,
  invoicingSettings,
  MAPPED_ACCOUNTS,
} from './invoicing.builders';

// Checkouts paid by invoice, end to end: invoicing as its own process, real Kafka and PostgreSQL,
// the Tripletex sandbox as Tripletex. Only what a whole process shows lives here – Kafka in and
// out, the settings arriving on their own topic, redelivery, the HTTP API, a crash; each decision
// of the invoicer, the lifecycle and collective invoicing is a medium spec beside its code
// (src/**/*.medium-spec.ts).

const MAIN = join(__dirname, '../dist/main.js');

interface Setup {
  companyId: string;
  tripletex: SandboxCompany;
  customerId: number;
  otherCustomerId: number;
}

describeFlow(
  'invoicing',
  {
    mainJs: MAIN,
    createDataSource,
    schema: 'invoicing_flow',
    env: () => ({
      INVOICE_POLL_MS: '200',
      INVOICE_LEASE_SECONDS: '10',
      BANK_ACCOUNT_CHECK_SECONDS: '1',
      LOG_LEVEL: 'info',
    }),
  },
  (flow) => {
    let statuses: Collector;
    let configVersion = 0;

    beforeAll(async () => {
      const { sut } = flow();
      // Earlier suites' records on the shared topics (thousands, after the robustness suite) are
      // read first; our deadlines start after.
      await sut.caughtUp({
        [Topics.IntegrationConfigV1]: [sut.env.KAFKA_GROUP_ID],
        [Topics.CheckoutCompletedV1]: [sut.env.KAFKA_GROUP_ID],
      });
      statuses = await sut.kafka.collect([
        Topics.InvoiceStatusV1,
        deadLetterTopic(Topics.CheckoutCompletedV1),
      ]);
    }, 600_000); // catching up with a shared broker's history may take a while

    async function company(
      options: {
        collective?: boolean;
        invoicing?: boolean;
        sendToCustomer?: boolean;
        bankAccountNumber?: string | null;
        /** Called before the settings are published (to send checkouts ahead of them). */
        beforeSettings?: (s: Setup) => Promise<void>;
      } = {},
    ): Promise<Setup> {
      const { sandbox } = flow().sut;
      const companyId = uniqueName('co');
      const tripletex = await sandbox.createCompany({
        name: `Faktura ${companyId}`,
        bankAccountNumber:
          options.bankAccountNumber === undefined ? '12345678903' : options.bankAccountNumber,
      });
      const [a, b] = await sandbox.addCustomers(tripletex.companyId, [
        { name: 'Fjordkanten AS', invoicesDueIn: 10 },
        { name: 'Havbris AS' },
      ]);
      const setup = { companyId, tripletex, customerId: a.id, otherCustomerId: b.id };
      await options.beforeSettings?.(setup);
      configVersion += 1;
      await flow().settings(tripletex, {
        companyId,
        version: configVersion,
        startDate: '2026-01-01',
        mappings: invoicingMappings(await sandbox.accountIds(tripletex, MAPPED_ACCOUNTS)),
        invoicing: invoicingSettings(options),
      });
      return setup;
    }

    async function checkout(c: Record<string, unknown>, times = 1) {
      await flow().sut.kafka.produce(
        Topics.CheckoutCompletedV1,
        Array.from({ length: times }, () => ({ key: c.companyId as string, value: c })),
      );
    }

    const statusOf = (checkoutEventId: string) =>
      statuses.messages
        .filter((m) => m.topic === Topics.InvoiceStatusV1 && m.value)
        .map((m) => JSON.parse(m.value!.toString()))
        .filter((e) => e.checkoutEventId === checkoutEventId);

    async function final(checkoutEventId: string, status: string, timeoutMs = 30_000) {
      return eventually(
        () => {
          const last = statusOf(checkoutEventId).at(-1);
          expect(last?.status).toBe(status);
          return last;
        },
        { timeoutMs },
      );
    }

    const deadLettered = (checkoutEventId: string) =>
      statuses.messages.filter(
        (m) =>
          m.topic === deadLetterTopic(Topics.CheckoutCompletedV1) &&
          m.value?.toString().includes(checkoutEventId),
      );

    const api = (companyId: string, path: string, method = 'GET') =>
      flow().api(companyId, method, `/v1/companies/${companyId}${path}`);

    const invoicesIn = async (tripletexCompanyId: number) =>
      await flow().sut.sandbox.ledger<{ invoices: any[]; orders: any[] }>(tripletexCompanyId);

    describe('single invoices', () => {
      it('invoices a checkout, tells the POS PENDING then INVOICED, and prints its pro forma receipt', async () => {
        const s = await company();
        const c = aChristmasLunch(s.companyId, s.customerId);
        const total = (c.payments as { amount: number }[])[0].amount;
        await checkout(c);
        const invoiced = await final(c.eventId as string, 'INVOICED');
        expect(invoiced).toMatchObject({
          companyId: s.companyId,
          receiptNumber: c.receiptNumber,
          amount: total,
          invoiceNumber: expect.any(Number),
          kid: expect.stringMatching(/^\d+$/),
        });
        expect(statusOf(c.eventId as string).map((e) => e.status)).toEqual(['PENDING', 'INVOICED']);
        // The invoice's lines, VAT, dates and terms: src/invoices/invoicer.medium-spec.ts.
        const ledger = await invoicesIn(s.tripletex.companyId);
        expect(ledger.invoices).toHaveLength(1);
        expect(Math.round(ledger.invoices[0].amount * 100)).toBe(total);

        const receipt = await api(s.companyId, `/invoices/${String(c.eventId)}/receipt`);
        expect(receipt.body).toMatchObject({
          title: 'PRO FORMA',
          reference: 'PO-4711',
          comment: 'Julelunsj avdeling nord',
          totals: { gross: total },
          invoice: { status: 'INVOICED', invoiceNumber: invoiced.invoiceNumber },
        });
        expect(receipt.body.vat.map((v: any) => v.rate)).toEqual([25, 15, 12, 0]);
        for (const v of receipt.body.vat) expect(v.net + v.vat).toBe(v.gross);
        const text = await api(s.companyId, `/invoices/${String(c.eventId)}/receipt?format=text`);
        expect(text.body).toContain('PROFORMA-KVITTERING');
        expect(text.body).toContain('Referanse');
      });

      it('waits for the company’s settings when a checkout arrives before them', async () => {
        let early: Record<string, unknown> | undefined;
        const s = await company({
          collective: true,
          beforeSettings: async (setup) => {
            early = aCheckout({
              companyId: setup.companyId,
              lines: [{ unitPriceGross: 15000 }],
              invoice: { customerId: setup.customerId },
            });
            await checkout(early);
            await final(early.eventId as string, 'PENDING');
            // It has looked for the settings twice; its next look is 10 s away.
            await eventually(
              async () => {
                const [row] = await flow().sut.schema.query<{ attempts: number }>(
                  'SELECT attempts FROM invoice_requests WHERE checkout_event_id = $1',
                  [early!.eventId],
                );
                expect(row.attempts).toBeGreaterThanOrEqual(2);
              },
              { timeoutMs: 15_000 },
            );
          },
        });
        // The settings make it due at once, and decide: collective, so an order waits for the run.
        await final(early!.eventId as string, 'ORDERED', 5_000);
        expect(statusOf(early!.eventId as string).map((e) => e.status)).toEqual([
          'PENDING',
          'ORDERED',
        ]);
        const answer = await api(s.companyId, `/invoices/${String(early!.eventId)}`);
        expect(answer.body).toMatchObject({ mode: 'COLLECTIVE', status: 'ORDERED' });
      });

      it('creates one invoice for a checkout delivered twice', async () => {
        const s = await company();
        const c = aCheckout({
          companyId: s.companyId,
          lines: [{ unitPriceGross: 10000 }],
          invoice: { customerId: s.customerId },
        });
        await checkout(c, 2);
        await final(c.eventId as string, 'INVOICED');
        const marker = aCheckout({
          companyId: s.companyId,
          lines: [{ unitPriceGross: 100 }],
          invoice: { customerId: s.customerId },
        });
        await checkout(marker);
        await final(marker.eventId as string, 'INVOICED');
        expect((await invoicesIn(s.tripletex.companyId)).invoices).toHaveLength(2);
      });

      // Every final refusal (no bank account number, an inactive customer, …) takes this way:
      // src/invoices/invoicer.medium-spec.ts decides them, invoice-request.lifecycle.medium-spec.ts
      // records them.
      it('reports a checkout Tripletex refuses (an unknown customer) as failed, with the reason, and dead-letters it', async () => {
        const s = await company();
        const b = aCheckout({
          companyId: s.companyId,
          lines: [{ unitPriceGross: 5000 }],
          invoice: { customerId: 999_999 },
        });
        await checkout(b);
        expect(await final(b.eventId as string, 'FAILED')).toMatchObject({
          code: 'INVOICING.CUSTOMER_UNKNOWN',
          reason: expect.stringContaining('999999'),
        });
        expect((await api(s.companyId, `/invoices/${String(b.eventId)}`)).body).toMatchObject({
          status: 'FAILED',
          failureCode: 'INVOICING.CUSTOMER_UNKNOWN',
        });
        // …and the checkout is dead-lettered with the reason, like a contract violation.
        const [letter] = await statuses
          .waitFor(() => deadLettered(b.eventId as string).length > 0)
          .then(() => deadLettered(b.eventId as string));
        expect(letter.headers).toMatchObject({
          'dlq-error-code': 'INVOICING.CUSTOMER_UNKNOWN',
          'dlq-original-topic': Topics.CheckoutCompletedV1,
          'dlq-reserialized': 'true',
        });
        expect(JSON.parse(letter.value!.toString())).toMatchObject({ eventId: b.eventId });
      });

      it('rejects a checkout of a company without invoicing with a status and a dead-letter record', async () => {
        const s = await company({ invoicing: false });
        const c = aCheckout({
          companyId: s.companyId,
          lines: [{ unitPriceGross: 5000 }],
          invoice: { customerId: s.customerId },
        });
        await checkout(c);
        expect(await final(c.eventId as string, 'FAILED')).toMatchObject({
          code: 'INVOICING.NOT_ENABLED',
        });
        await eventually(() => {
          const [parked] = deadLettered(c.eventId as string);
          expect(parked?.headers['dlq-error-code']).toBe('INVOICING.NOT_ENABLED');
        });
      });

      it('turns the refund of an invoiced sale into a credit note', async () => {
        const s = await company();
        const sale = aCheckout({
          companyId: s.companyId,
          lines: [{ unitPriceGross: 19900, quantity: 2 }],
          invoice: { customerId: s.customerId },
        });
        await checkout(sale);
        const invoiced = await final(sale.eventId as string, 'INVOICED');
        const refund = aCheckout({
          companyId: s.companyId,
          kind: 'REFUND',
          lines: [{ unitPriceGross: 19900, quantity: 2 }],
          invoice: { customerId: s.customerId },
          refundOf: {
            eventId: sale.eventId as string,
            receiptNumber: sale.receiptNumber as string,
          },
        });
        await checkout(refund);
        const credited = await final(refund.eventId as string, 'CREDITED');
        expect(credited.amount).toBe(-39800);
        const ledger = await invoicesIn(s.tripletex.companyId);
        expect(ledger.invoices.find((i) => i.isCreditNote)).toMatchObject({
          creditedInvoice: invoiced.invoiceId,
        });
      });
    });

    describe('no invoiced sale falls out of the books', () => {
      const sale = (s: Setup, customerId = s.customerId, spec: Record<string, unknown> = {}) =>
        aCheckout({
          companyId: s.companyId,
          lines: [{ unitPriceGross: 19900, quantity: 2 }],
          invoice: { customerId },
          ...spec,
        });

      it('invoices a sale refused for want of a bank account number on its own, seconds after the number is registered', async () => {
        const s = await company({ bankAccountNumber: null });
        const c = sale(s);
        await checkout(c);
        expect(await final(c.eventId as string, 'FAILED')).toMatchObject({
          code: 'INVOICING.NO_BANK_ACCOUNT',
          retryOn: 'BANK_ACCOUNT',
        });
        const open = await api(s.companyId, '/invoices?status=OPEN');
        expect(open.body.values).toEqual([
          expect.objectContaining({ checkoutEventId: c.eventId, retryOn: 'BANK_ACCOUNT' }),
        ]);

        await flow().sut.sandbox.editAccount(s.tripletex.companyId, 1920, {
          bankAccountNumber: '12345678903',
        });

        await final(c.eventId as string, 'INVOICED', 15_000);
        expect((await invoicesIn(s.tripletex.companyId)).invoices).toHaveLength(1);
      });

      it('takes up a sale of an inactive customer again when customer-sync says the customer changed', async () => {
        const s = await company();
        const [dormant] = await flow().sut.sandbox.addCustomers(s.tripletex.companyId, [
          { name: 'Sovende AS', isInactive: true },
        ]);
        const c = sale(s, dormant.id);
        await checkout(c);
        expect(await final(c.eventId as string, 'FAILED')).toMatchObject({
          code: 'INVOICING.CUSTOMER_INACTIVE',
          retryOn: 'CUSTOMER',
        });

        await flow().sut.sandbox.editCustomer(s.tripletex.companyId, dormant.id, {
          isInactive: false,
        });
        await flow().sut.kafka.produce(Topics.CustomersChangedV1, [
          {
            key: `${s.companyId}:${dormant.id}`,
            value: {
              eventId: randomUUID(),
              schemaVersion: 1,
              companyId: s.companyId,
              customerId: dormant.id,
              name: 'Sovende AS',
              isInactive: false,
              pickable: true,
              version: 2,
              changedAt: new Date().toISOString(),
            },
          },
        ]);

        await final(c.eventId as string, 'INVOICED');
      });

      it('retries a failed sale when the operator asks over HTTP, and refuses to retry an invoiced one', async () => {
        const s = await company();
        const [dormant] = await flow().sut.sandbox.addCustomers(s.tripletex.companyId, [
          { name: 'Vinterstengt AS', isInactive: true },
        ]);
        const c = sale(s, dormant.id);
        await checkout(c);
        await final(c.eventId as string, 'FAILED');
        await flow().sut.sandbox.editCustomer(s.tripletex.companyId, dormant.id, {
          isInactive: false,
        });

        const retried = await api(s.companyId, `/invoices/${String(c.eventId)}/retry`, 'POST');
        expect(retried.status).toBe(202);
        expect(retried.body).toMatchObject({ status: 'PENDING', failureCode: null });
        await final(c.eventId as string, 'INVOICED');

        const again = await api(s.companyId, `/invoices/${String(c.eventId)}/retry`, 'POST');
        expect(again.status).toBe(409);
        expect(again.body).toMatchObject({ code: 'INVOICING.NOT_RETRYABLE' });
        expect((await invoicesIn(s.tripletex.companyId)).invoices).toHaveLength(1);
        // The retry is in the audit trail; the refused one is not.
        expect((await flow().audit(s.companyId)).body.values).toEqual([
          expect.objectContaining({
            actorKind: 'USER',
            actor: `user-of-${s.companyId}`,
            action: 'invoice.retry.requested',
            target: `invoices/${String(c.eventId)}`,
            before: expect.objectContaining({ status: 'FAILED', retryOn: 'CUSTOMER' }),
            after: expect.objectContaining({ status: 'PENDING', retryOn: null, failureCode: null }),
          }),
        ]);
      });

      it('invoices an EHF sale Tripletex refused once the customer has an address and the operator retries it', async () => {
        const s = await company({ sendToCustomer: true });
        const { sandbox } = flow().sut;
        await sandbox.editCustomer(s.tripletex.companyId, s.customerId, {
          invoiceSendMethod: 'EHF',
          organizationNumber: '987654321',
        });
        const c = sale(s);
        await checkout(c);
        expect(await final(c.eventId as string, 'FAILED')).toMatchObject({
          code: 'INVOICING.TRIPLETEX_REFUSED',
          reason: expect.stringContaining('postadresse'),
          retryOn: 'CUSTOMER',
        });

        await sandbox.editCustomer(s.tripletex.companyId, s.customerId, {
          postalAddress: { addressLine1: 'Bryggen 1', postalCode: '5003', city: 'Bergen' },
        });
        const retried = await api(s.companyId, `/invoices/${String(c.eventId)}/retry`, 'POST');
        expect(retried.status).toBe(202);

        await final(c.eventId as string, 'INVOICED');
        expect((await invoicesIn(s.tripletex.companyId)).invoices).toEqual([
          expect.objectContaining({ sendType: 'EHF' }),
        ]);
      });

      it('re-attempts a failed sale when its dead-letter record is replayed onto the checkout topic, once', async () => {
        const s = await company();
        const [dormant] = await flow().sut.sandbox.addCustomers(s.tripletex.companyId, [
          { name: 'Gjenopptatt AS', isInactive: true },
        ]);
        const c = sale(s, dormant.id);
        await checkout(c);
        await final(c.eventId as string, 'FAILED');
        const [letter] = await statuses
          .waitFor(() => deadLettered(c.eventId as string).length > 0)
          .then(() => deadLettered(c.eventId as string));
        // The customer is fixed in Tripletex (no customer-sync event here): the replay retries it.
        await flow().sut.sandbox.editCustomer(s.tripletex.companyId, dormant.id, {
          isInactive: false,
        });
        const replay = () =>
          flow().sut.kafka.produce(Topics.CheckoutCompletedV1, [
            { key: s.companyId, value: JSON.parse(letter.value!.toString()) },
          ]);
        await replay();
        await final(c.eventId as string, 'INVOICED');
        // Replayed again once invoiced: nothing more happens.
        await replay();
        await checkout(sale(s)); // a later checkout of the company, processed after the replay
        await eventually(async () =>
          expect((await invoicesIn(s.tripletex.companyId)).invoices).toHaveLength(2),
        );
        expect(statusOf(c.eventId as string).map((e) => e.status)).toEqual([
          'PENDING',
          'FAILED',
          'PENDING',
          'INVOICED',
        ]);
      });

      it('credits a partial refund with a credit note for the part, and never credits another company’s sale', async () => {
        const s = await company();
        const other = await company();
        const original = sale(s);
        await checkout(original);
        const invoiced = await final(original.eventId as string, 'INVOICED');
        const partial = aCheckout({
          companyId: s.companyId,
          kind: 'REFUND',
          lines: [{ unitPriceGross: 19900, quantity: -1 }],
          invoice: { customerId: s.customerId },
          refundOf: { eventId: original.eventId as string, receiptNumber: '1' },
        });
        const foreign = aCheckout({
          companyId: other.companyId,
          kind: 'REFUND',
          lines: [{ unitPriceGross: 19900, quantity: -1 }],
          invoice: { customerId: other.customerId },
          refundOf: { eventId: original.eventId as string, receiptNumber: '1' },
        });
        await checkout(partial);
        await checkout(foreign);

        expect(await final(partial.eventId as string, 'CREDITED')).toMatchObject({
          amount: -19900,
        });
        expect(await final(foreign.eventId as string, 'FAILED')).toMatchObject({
          code: 'INVOICING.ORIGINAL_UNKNOWN',
        });
        const ledger = await invoicesIn(s.tripletex.companyId);
        expect(ledger.invoices.map((i) => i.amount).sort()).toEqual([-199, 398]);
        expect(ledger.invoices.find((i) => i.id === invoiced.invoiceId)).toMatchObject({
          isCredited: false,
        });
        expect((await invoicesIn(other.tripletex.companyId)).invoices).toEqual([]);
      });
    });

    describe('collective invoices', () => {
      // Planning, the run and a refused run: src/collective/collective.medium-spec.ts.
      it('previews and runs over HTTP: three checkouts of one customer on one invoice, another customer’s orders left alone', async () => {
        const s = await company({ collective: true });
        const mine = [1, 2, 3].map((n) =>
          aCheckout({
            companyId: s.companyId,
            lines: [{ unitPriceGross: 10000 * n }],
            invoice: { customerId: s.customerId },
          }),
        );
        const theirs = aCheckout({
          companyId: s.companyId,
          lines: [{ unitPriceGross: 7000 }],
          invoice: { customerId: s.otherCustomerId },
        });
        for (const c of [...mine, theirs]) await checkout(c);
        for (const c of [...mine, theirs]) await final(c.eventId as string, 'ORDERED');
        const preview = await api(s.companyId, '/collective-invoices/preview');
        expect(preview.body.customers).toEqual([
          expect.objectContaining({ customerId: s.customerId, orders: 3, totalGross: 60000 }),
          expect.objectContaining({ customerId: s.otherCustomerId, orders: 1, totalGross: 7000 }),
        ]);
        const run = await api(
          s.companyId,
          `/collective-invoices/run?customerId=${s.customerId}`,
          'POST',
        );
        expect(run.status).toBe(200);
        expect(run.body.results).toEqual([
          expect.objectContaining({ customerId: s.customerId, status: 'DONE', orders: 3 }),
        ]);
        const numbers = await Promise.all(
          mine.map(async (c) => (await final(c.eventId as string, 'INVOICED')).invoiceNumber),
        );
        expect(new Set(numbers).size).toBe(1);
        const [planned] = (await flow().audit(s.companyId)).body.values;
        expect(planned).toMatchObject({
          actor: `user-of-${s.companyId}`,
          action: 'collective.run.requested',
          target: expect.stringMatching(/^collective-runs\/\d+$/),
          before: null,
          after: { customerId: s.customerId, orderIds: expect.any(Array) },
        });
        expect([...planned.after.checkoutEventIds].sort()).toEqual(
          mine.map((c) => c.eventId).sort(),
        );
        const ledger = await invoicesIn(s.tripletex.companyId);
        expect(ledger.invoices).toHaveLength(1);
        expect(ledger.invoices[0]).toMatchObject({ amount: 600, customer: { id: s.customerId } });
        expect(ledger.invoices[0].orders).toHaveLength(3);
        expect(statusOf(theirs.eventId as string).at(-1).status).toBe('ORDERED');
        expect((await api(s.companyId, '/collective-invoices/preview')).body.customers).toEqual([
          expect.objectContaining({ customerId: s.otherCustomerId }),
        ]);
      });
    });

    describe('the audit trail', () => {
      /** A company with a sale that FAILED (its customer is inactive in Tripletex). */
      async function aFailedSale() {
        const s = await company();
        const [dormant] = await flow().sut.sandbox.addCustomers(s.tripletex.companyId, [
          { name: 'Sovende AS', isInactive: true },
        ]);
        const c = aCheckout({
          companyId: s.companyId,
          lines: [{ unitPriceGross: 5000 }],
          invoice: { customerId: dormant.id },
        });
        await checkout(c);
        await final(c.eventId as string, 'FAILED');
        return { ...s, path: `/invoices/${String(c.eventId)}` };
      }

      it('shows a company only its own trail, and refuses a retry by a token without `sub`', async () => {
        const s = await aFailedSale();
        expect((await api(s.companyId, `${s.path}/retry`, 'POST')).status).toBe(202);
        const other = await company();
        const asOther = await flow().apiWith(
          backOfficeJwt(flow().sut.jwtSecret, other.companyId),
          'GET',
          `/v1/companies/${s.companyId}/audit`,
        );
        expect(asOther).toMatchObject({ status: 403, body: { code: 'AUTH.OTHER_COMPANY' } });
        expect((await flow().audit(other.companyId)).body.values).toEqual([]);

        const t = await aFailedSale();
        const refused = await flow().apiWith(
          backOfficeJwt(flow().sut.jwtSecret, t.companyId, { subject: null }),
          'POST',
          `/v1/companies/${t.companyId}${t.path}/retry`,
        );
        expect(refused).toMatchObject({ status: 401, body: { code: 'AUTH.NO_SUBJECT' } });
        expect((await api(t.companyId, t.path)).body.status).toBe('FAILED');
        expect((await flow().audit(t.companyId)).body.values).toEqual([]);
      });

      it('keeps a retry and its record together: neither stays when the other fails', async () => {
        const s = await aFailedSale();
        const { schema } = flow().sut;
        for (const [table, at] of [
          ['invoice_requests', 'commit'],
          ['audit_records', 'write'],
        ] as const) {
          const allow = await failWrites(schema, table, s.companyId, at);
          try {
            expect((await api(s.companyId, `${s.path}/retry`, 'POST')).status).toBe(500);
          } finally {
            await allow();
          }
          expect((await api(s.companyId, s.path)).body.status).toBe('FAILED');
          expect((await flow().audit(s.companyId)).body.values).toEqual([]);
        }
      });
    });

    describe('a crash between the Tripletex call and the commit', () => {
      // Last in the file: the suite's own instance is stopped for it.
      it('still ends with exactly one invoice', async () => {
        const { sut } = flow();
        const s = await company();
        await sut.service.stop();
        const crashing = await SpawnedService.start(MAIN, {
          ...sut.env,
          NODE_ENV: 'test',
          FAULT_KILL_AFTER_TRIPLETEX_CALL: '1',
        });
        await crashing.ready();
        const c = aCheckout({
          companyId: s.companyId,
          lines: [{ unitPriceGross: 12300 }],
          invoice: { customerId: s.customerId },
        });
        await checkout(c);
        const { signal } = await crashing.exit(60_000);
        expect(signal).toBe('SIGKILL');
        expect((await invoicesIn(s.tripletex.companyId)).invoices).toHaveLength(1); // Tripletex acted…
        expect(
          await sut.schema.query(
            'SELECT status FROM invoice_requests WHERE checkout_event_id = $1',
            [c.eventId],
          ),
        ).toEqual([{ status: 'IN_FLIGHT' }]); // …we never recorded it

        const restarted = await sut.another();
        try {
          const invoiced = await final(c.eventId as string, 'INVOICED', 60_000);
          const ledger = await invoicesIn(s.tripletex.companyId);
          expect(ledger.invoices).toHaveLength(1);
          expect(invoiced.invoiceNumber).toBe(ledger.invoices[0].invoiceNumber);
        } finally {
          await restarted.stop();
        }
      });
    });
  },
);
