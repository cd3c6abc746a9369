import { join } from 'node:path';
import { deadLetterTopic, Topics } from '@pos-tripletex/contracts';
import {
  aCheckout,
  Collector,
  describeFlow,
  eventually,
  HOSTILE_ID_HEADER,
  hostileRecords,
  notDeadLettered,
  publishInterleaved,
  SandboxCompany,
  ServiceUnderTest,
  uniqueName,
} from '@pos-tripletex/testing';
import { createDataSource } from '../src/database/setup';
import { invoicingMappings, MAPPED_ACCOUNTS } from './invoicing.builders';

// invoicing under hostile input, a noisy neighbour and a Tripletex slower than its lease: real
// processes, real Kafka and PostgreSQL, the sandbox as Tripletex.

const LEASE_SECONDS = 2;

interface Company {
  companyId: string;
  tripletex: SandboxCompany;
  customerId: number;
  config: Record<string, unknown>;
}

describeFlow(
  'invoicing under stress',
  {
    mainJs: join(__dirname, '../dist/main.js'),
    createDataSource,
    schema: 'invoicing_robust',
    env: () => ({
      INVOICE_POLL_MS: '200',
      INVOICE_LEASE_SECONDS: String(LEASE_SECONDS),
      KAFKA_HANDLER_MAX_ATTEMPTS: '3',
    }),
  },
  (flow) => {
    let sut: ServiceUnderTest;
    let events: Collector;

    beforeAll(async () => {
      sut = flow().sut;
      // Earlier tests' records on the shared topics are read first; our deadlines start after.
      await sut.caughtUp({
        [Topics.IntegrationConfigV1]: [sut.env.KAFKA_GROUP_ID],
        [Topics.CheckoutCompletedV1]: [sut.env.KAFKA_GROUP_ID],
      });
      events = await sut.kafka.collect([
        Topics.InvoiceStatusV1,
        Topics.RecordRejectedV1,
        deadLetterTopic(Topics.CheckoutCompletedV1),
        deadLetterTopic(Topics.IntegrationConfigV1),
      ]);
    }, 600_000); // catching up with a shared broker's history may take a while

    async function company(): Promise<Company> {
      const companyId = uniqueName('robust_co');
      const tripletex = await sut.sandbox.createCompany({
        name: `Faktura ${companyId}`,
        bankAccountNumber: '12345678903',
      });
      const [customer] = await sut.sandbox.addCustomers(tripletex.companyId, [
        { name: 'Fjordkanten AS' },
      ]);
      const config = await flow().settings(tripletex, {
        companyId,
        version: 1,
        startDate: '2026-01-01',
        mappings: invoicingMappings(await sut.sandbox.accountIds(tripletex, MAPPED_ACCOUNTS)),
      });
      return { companyId, tripletex, customerId: customer.id, config };
    }

    const invoiced = (c: Company, n: number, comment = 'Takk for besøket') =>
      Array.from({ length: n }, (_, i) =>
        aCheckout({
          companyId: c.companyId,
          receiptNumber: `r${i + 1}`,
          lines: [{ unitPriceGross: 10_000 + i }],
          invoice: { customerId: c.customerId, reference: `ref-${c.companyId}-${i}`, comment },
        }),
      );

    const lastStatus = () => {
      const last = new Map<string, { status: string; code?: string }>();
      for (const e of events.json<{ checkoutEventId: string; status: string; code?: string }>(
        Topics.InvoiceStatusV1,
      ))
        last.set(e.checkoutEventId, e);
      return last;
    };

    it('dead-letters every hostile record, tells the POS what only invoicing refused, and invoices every good checkout', async () => {
      const [a, b] = [await company(), await company()];
      const goodA = invoiced(a, 8);
      const goodB = invoiced(b, 8);
      // Valid by the contract, refused by PostgreSQL: a NUL character in the invoice comment.
      const nul = invoiced(a, 1, 'first line\u0000second line')[0];
      // A Tripletex customer id beyond 2^31 − 1 is stored as int64, and Tripletex's answer decides.
      const bigCustomer = aCheckout({
        companyId: a.companyId,
        lines: [{ unitPriceGross: 5000 }],
        invoice: { customerId: 2 ** 31 + 7 },
      });
      const hostileCheckouts = hostileRecords(Topics.CheckoutCompletedV1, goodA[0]);
      const hostileConfigs = hostileRecords(Topics.IntegrationConfigV1, a.config, {
        compacted: true,
      });

      await publishInterleaved(sut.kafka, Topics.IntegrationConfigV1, hostileConfigs, [
        { key: a.companyId, value: { ...a.config, version: 2 } },
      ]);
      await publishInterleaved(
        sut.kafka,
        Topics.CheckoutCompletedV1,
        hostileCheckouts,
        [...goodA, nul, bigCustomer, ...goodB].map((c) => ({
          key: c.companyId as string,
          value: c,
        })),
      );

      await eventually(
        () => {
          const last = lastStatus();
          for (const c of [...goodA, ...goodB])
            expect(last.get(c.eventId as string)?.status).toBe('INVOICED');
          expect(last.get(bigCustomer.eventId as string)).toMatchObject({
            status: 'FAILED',
            code: 'INVOICING.CUSTOMER_UNKNOWN',
          });
        },
        { timeoutMs: 90_000 },
      );
      const group = sut.env.KAFKA_GROUP_ID;
      await eventually(
        () => {
          expect(
            notDeadLettered(
              events.messages,
              deadLetterTopic(Topics.CheckoutCompletedV1),
              group,
              hostileCheckouts,
            ),
          ).toEqual([]);
          expect(
            notDeadLettered(
              events.messages,
              deadLetterTopic(Topics.IntegrationConfigV1),
              group,
              hostileConfigs,
            ),
          ).toEqual([]);
        },
        { timeoutMs: 60_000 },
      );
      // The NUL checkout: dead-lettered as refused by the database, and announced to the POS by
      // invoicing (sales-export stores it: only invoicing refuses it).
      const nulParked = await eventually(() => {
        const parked = events.messages.find(
          (m) =>
            m.topic === deadLetterTopic(Topics.CheckoutCompletedV1) &&
            m.value?.toString().includes(nul.eventId as string) &&
            m.headers['dlq-error-code'] === 'DATABASE_REFUSED',
        );
        expect(parked).toBeDefined();
        return parked!;
      });
      const rejections = events.json<{
        rejectedEventId?: string;
        code: string;
        rejectedBy: string;
      }>(Topics.RecordRejectedV1);
      expect(rejections.filter((r) => r.rejectedEventId === nul.eventId)).toEqual([
        expect.objectContaining({ code: 'DATABASE_REFUSED', rejectedBy: 'invoicing' }),
      ]);
      expect(nulParked.headers['dlq-original-topic']).toBe(Topics.CheckoutCompletedV1);
      // Contract violations are sales-export's to announce, not invoicing's.
      const hostileIds = new Set(hostileCheckouts.map((h) => h.id));
      const parkedHostile = events.messages.filter(
        (m) =>
          hostileIds.has(m.headers[HOSTILE_ID_HEADER]) && m.headers['dlq-consumer-group'] === group,
      );
      expect(parkedHostile.length).toBe(hostileCheckouts.length);
      expect(
        rejections.filter((r) => r.rejectedBy === 'invoicing' && r.code === 'CONTRACT_VIOLATION'),
      ).toEqual([]);

      // One invoice per good checkout in each ledger: nothing lost, nothing doubled.
      for (const c of [a, b]) {
        const ledger = await sut.sandbox.ledger<{ invoices: unknown[] }>(c.tripletex.companyId);
        expect(ledger.invoices).toHaveLength(8);
      }
      expect((await fetch(`${sut.url}/ready`)).status).toBe(200);
    }, 240_000);

    it('acknowledges checkouts not paid by invoice without a transaction, and invoices the ones in between', async () => {
      const c = await company();
      const byInvoice = invoiced(c, 3);
      const byCard = Array.from({ length: 20 }, (_, i) =>
        aCheckout({
          companyId: c.companyId,
          receiptNumber: `card-${i + 1}`,
          lines: [{ unitPriceGross: 5_000 + i }],
        }),
      );
      const all = [...byCard.slice(0, 10), ...byInvoice, ...byCard.slice(10)];
      await sut.kafka.produce(
        Topics.CheckoutCompletedV1,
        all.map((checkout) => ({ key: c.companyId, value: checkout })),
      );
      await eventually(
        () => {
          const last = lastStatus();
          for (const checkout of byInvoice)
            expect(last.get(checkout.eventId as string)?.status).toBe('INVOICED');
        },
        { timeoutMs: 60_000 },
      );
      // Only the checkouts paid by invoice went through a transaction of the Inbox.
      const processed = await sut.schema.query<{ event_id: string }>(
        'SELECT event_id FROM processed_events WHERE event_id = ANY($1)',
        [all.map((checkout) => checkout.eventId)],
      );
      expect(processed.map((row) => row.event_id).sort()).toEqual(
        byInvoice.map((checkout) => checkout.eventId as string).sort(),
      );
      const ledger = await sut.sandbox.ledger<{ invoices: unknown[] }>(c.tripletex.companyId);
      expect(ledger.invoices).toHaveLength(3);
    }, 120_000);

    it('invoices another company at once while one company with a slow Tripletex has a backlog of 1,000', async () => {
      const [slow, quick] = [await company(), await company()];
      await sut.sandbox.setControls({
        companyLatency: [{ companyId: slow.tripletex.companyId, latencyMs: 2000 }],
      });
      try {
        const backlog = invoiced(slow, 1000);
        await sut.kafka.produce(
          Topics.CheckoutCompletedV1,
          backlog.map((c) => ({ key: slow.companyId, value: c })),
        );
        // The backlog is recorded and being worked on...
        await eventually(
          () => {
            const last = lastStatus();
            expect(backlog.filter((c) => last.has(c.eventId as string)).length).toBe(1000);
          },
          { timeoutMs: 60_000 },
        );
        // ...when the other company's single checkout arrives.
        const [single] = invoiced(quick, 1);
        const sentAt = Date.now();
        await sut.kafka.produce(Topics.CheckoutCompletedV1, [
          { key: quick.companyId, value: single },
        ]);
        await eventually(
          () => expect(lastStatus().get(single.eventId as string)?.status).toBe('INVOICED'),
          { timeoutMs: 30_000, intervalMs: 50 },
        );
        const tookMs = Date.now() - sentAt;
        const last = lastStatus();
        const slowDone = backlog.filter(
          (c) => last.get(c.eventId as string)?.status === 'INVOICED',
        ).length;
        console.log(
          `[fairness] invoicing: the other company's invoice took ${tookMs} ms while the slow company had ${slowDone}/1000 invoiced`,
        );
        // Served long before the backlog: far less than a tenth of it was done meanwhile.
        expect(slowDone).toBeLessThan(100);
        // And the slow company never had more calls in flight than its share.
        expect(await sut.sandbox.peakConcurrency(slow.tripletex.companyId)).toBeLessThanOrEqual(4);
      } finally {
        await sut.sandbox.setControls({
          companyLatency: [{ companyId: slow.tripletex.companyId, latencyMs: 0 }],
        });
      }
    }, 180_000);

    it('makes one invoice when Tripletex takes longer than the lease and a second instance is waiting', async () => {
      const second = await sut.another();
      try {
        const c = await company();
        await sut.sandbox.setControls({
          companyLatency: [{ companyId: c.tripletex.companyId, latencyMs: LEASE_SECONDS * 2500 }],
        });
        const checkouts = invoiced(c, 3);
        await sut.kafka.produce(
          Topics.CheckoutCompletedV1,
          checkouts.map((ch) => ({ key: c.companyId, value: ch })),
        );
        await eventually(
          () => {
            const last = lastStatus();
            for (const ch of checkouts)
              expect(last.get(ch.eventId as string)?.status).toBe('INVOICED');
          },
          { timeoutMs: 120_000 },
        );
        const calls = (await sut.sandbox.requests(c.tripletex.companyId)).filter(
          (r) => r.status < 300,
        );
        // One invoice with its order each (the customer's terms date it): nothing made twice.
        expect(calls.filter((r) => r.method === 'POST' && r.path === '/invoice')).toHaveLength(3);
        expect(calls.filter((r) => r.path === '/order' || r.path.endsWith('/:invoice'))).toEqual(
          [],
        );
        const ledger = await sut.sandbox.ledger<{ invoices: unknown[] }>(c.tripletex.companyId);
        expect(ledger.invoices).toHaveLength(3);
        // Each request was claimed once: the heartbeat kept its lease alive.
        const [row] = await sut.schema.query<{ attempts: number }>(
          `SELECT max(attempts) AS attempts FROM invoice_requests WHERE company_id = $1`,
          [c.companyId],
        );
        expect(Number(row.attempts)).toBe(1);
      } finally {
        await second.stop();
      }
    }, 180_000);
  },
);
