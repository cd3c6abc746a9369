import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { deadLetterTopic, Topics } from '@pos-tripletex/contracts';
import { SecretBox } from '@pos-tripletex/platform';
import {
  aCheckout,
  backOfficeJwt,
  Collector,
  eventually,
  SandboxCompany,
  serviceEnv,
  SpawnedService,
  TestKafka,
  TestSandbox,
  TestSchema,
  testSecrets,
  uniqueName,
} from '@pos-tripletex/testing';
import { createDataSource } from '../src/database/setup';

// Checkouts paid by invoice, end to end: invoicing as its own process, real Kafka and PostgreSQL,
// the Tripletex sandbox as Tripletex.

const MAIN = join(__dirname, '../dist/main.js');
let sandbox: TestSandbox;
let schema: TestSchema;
let service: SpawnedService;
let kafka: TestKafka;
let statuses: Collector;
let jwtSecret: string;
let box: SecretBox;
let env: Record<string, string>;
let configVersion = 0;

interface Setup {
  companyId: string;
  tripletex: SandboxCompany;
  customerId: number;
  otherCustomerId: number;
}

async function company(
  options: {
    collective?: boolean;
    invoicing?: boolean;
    bankAccountNumber?: string | null;
    /** Called before the settings are published (to send checkouts ahead of them). */
    beforeSettings?: (s: Setup) => Promise<void>;
  } = {},
): Promise<Setup> {
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
  await options.beforeSettings?.({ companyId, tripletex, customerId: a.id, otherCustomerId: b.id });
  configVersion += 1;
  await kafka.produce(Topics.IntegrationConfigV1, [
    {
      key: companyId,
      value: {
        eventId: randomUUID(),
        schemaVersion: 1,
        companyId,
        version: configVersion,
        status: 'ACTIVE',
        changedAt: new Date().toISOString(),
        dayCutoffHour: 4,
        tripletex: {
          companyId: tripletex.companyId,
          employeeToken: box.seal(tripletex.employeeToken, companyId),
        },
        invoicing: {
          enabled: options.invoicing ?? true,
          sendToCustomer: false,
          collective: { enabled: options.collective ?? false, cadence: 'ON_DEMAND' },
        },
      },
    },
  ]);
  // The replica has the settings once the API knows the company (any answer but 5xx).
  await eventually(async () => {
    const [row] = await schema.query('SELECT 1 FROM company_settings WHERE company_id = $1', [
      companyId,
    ]);
    expect(row).toBeDefined();
  });
  return { companyId, tripletex, customerId: a.id, otherCustomerId: b.id };
}

async function checkout(c: Record<string, unknown>, times = 1) {
  await kafka.produce(
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

const api = async (companyId: string, path: string, init: RequestInit = {}) => {
  const res = await fetch(`${service.url}/v1/companies/${companyId}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${backOfficeJwt(jwtSecret, companyId)}` },
  });
  const text = await res.text();
  return {
    status: res.status,
    body: res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text,
  };
};

const invoicesIn = async (tripletexCompanyId: number) =>
  await sandbox.ledger<{ invoices: any[]; orders: any[] }>(tripletexCompanyId);

beforeAll(async () => {
  sandbox = await TestSandbox.start();
  schema = await TestSchema.create('invoicing_flow');
  const secrets = testSecrets();
  jwtSecret = secrets.jwtSecret;
  box = SecretBox.fromConfig(secrets.env.ENCRYPTION_KEYS, secrets.env.ENCRYPTION_ACTIVE_KEY_ID);
  env = {
    ...serviceEnv(schema.name),
    ...secrets.env,
    TRIPLETEX_BASE_URL: sandbox.apiUrl,
    TRIPLETEX_CONSUMER_TOKEN: sandbox.consumerToken,
    OUTBOX_POLL_INTERVAL_MS: '100',
    INVOICE_POLL_MS: '200',
    INVOICE_LEASE_SECONDS: '10',
    LOG_LEVEL: 'info',
  };
  const ds = createDataSource(env);
  await ds.initialize();
  await ds.runMigrations();
  await ds.destroy();
  kafka = new TestKafka();
  service = await SpawnedService.start(MAIN, env);
  await service.ready();
  statuses = await kafka.collect([
    Topics.InvoiceStatusV1,
    deadLetterTopic(Topics.CheckoutCompletedV1),
  ]);
});

afterAll(async () => {
  await service?.stop();
  await kafka?.close();
  await sandbox?.stop();
  await schema?.drop();
});

describe('single invoices', () => {
  it('invoices a checkout with its lines, VAT, reference and comment, matching it to the øre', async () => {
    const s = await company();
    const c = aCheckout({
      companyId: s.companyId,
      completedAt: '2026-11-25T01:30:00+01:00', // before the 04:00 cut-off: business day 24 Nov
      lines: [
        { description: 'Lunsjbuffet', quantity: 12, unitPriceGross: 24900, discountGross: 2500 },
        {
          description: 'Reker',
          quantity: 0.375,
          unitPriceGross: 29900,
          vatRate: 15,
          takeaway: true,
        },
        { description: 'Buss', quantity: 1, unitPriceGross: 4200, vatRate: 12 },
      ],
      tip: 1000,
      invoice: {
        customerId: s.customerId,
        reference: 'PO-4711',
        comment: 'Julelunsj avdeling nord',
      },
    });
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

    const ledger = await invoicesIn(s.tripletex.companyId);
    expect(ledger.invoices).toHaveLength(1);
    const [invoice] = ledger.invoices;
    expect(Math.round(invoice.amount * 100)).toBe(total);
    expect(invoice).toMatchObject({
      invoiceDate: '2026-11-24',
      invoiceDueDate: '2026-12-04',
      customer: { id: s.customerId },
    });
    const [order] = ledger.orders;
    expect(order).toMatchObject({ reference: 'PO-4711', isPrioritizeAmountsIncludingVat: true });
    expect(order.invoiceComment).toContain('Julelunsj avdeling nord');
    expect(order.orderLines.map((l: any) => [l.description, l.count, l.vatType.number])).toEqual([
      ['Lunsjbuffet', 12, '3'],
      ['Rabatt: Lunsjbuffet', 1, '3'],
      ['Reker', 0.375, '31'],
      ['Buss', 1, '33'],
      ['Tips', 1, '6'],
    ]);

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
            const [row] = await schema.query<{ attempts: number }>(
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
    expect(statusOf(early!.eventId as string).map((e) => e.status)).toEqual(['PENDING', 'ORDERED']);
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

  it('reports a company without a bank account number and an unknown customer as failed, with the reason', async () => {
    const noBank = await company({ bankAccountNumber: null });
    const a = aCheckout({
      companyId: noBank.companyId,
      lines: [{ unitPriceGross: 5000 }],
      invoice: { customerId: noBank.customerId },
    });
    await checkout(a);
    const failed = await final(a.eventId as string, 'FAILED');
    expect(failed).toMatchObject({
      code: 'INVOICING.NO_BANK_ACCOUNT',
      reason: expect.stringContaining(
        'Faktura kan ikke opprettes før selskapet har registrert et bankkontonummer.',
      ),
    });

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
      .waitFor((all) =>
        all.some(
          (m) =>
            m.topic === deadLetterTopic(Topics.CheckoutCompletedV1) &&
            m.value?.toString().includes(b.eventId as string),
        ),
      )
      .then((all) =>
        all.filter(
          (m) =>
            m.topic === deadLetterTopic(Topics.CheckoutCompletedV1) &&
            m.value?.toString().includes(b.eventId as string),
        ),
      );
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
      const parked = statuses.messages.find(
        (m) =>
          m.topic === deadLetterTopic(Topics.CheckoutCompletedV1) &&
          m.value?.toString().includes(c.eventId as string),
      );
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
      refundOf: { eventId: sale.eventId as string, receiptNumber: sale.receiptNumber as string },
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

describe('collective invoices', () => {
  it('invoices three checkouts of one customer as one invoice and leaves another customer’s orders alone', async () => {
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
    const run = await api(s.companyId, `/collective-invoices/run?customerId=${s.customerId}`, {
      method: 'POST',
    });
    expect(run.body.results).toEqual([
      expect.objectContaining({ customerId: s.customerId, status: 'DONE', orders: 3 }),
    ]);
    const numbers = await Promise.all(
      mine.map(async (c) => (await final(c.eventId as string, 'INVOICED')).invoiceNumber),
    );
    expect(new Set(numbers).size).toBe(1);
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

describe('a crash between the Tripletex call and the commit', () => {
  it('still ends with exactly one invoice', async () => {
    const s = await company();
    await service.stop();
    const crashing = await SpawnedService.start(MAIN, {
      ...env,
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
      await schema.query('SELECT status FROM invoice_requests WHERE checkout_event_id = $1', [
        c.eventId,
      ]),
    ).toEqual([{ status: 'IN_FLIGHT' }]); // …we never recorded it

    service = await SpawnedService.start(MAIN, env);
    await service.ready();
    const invoiced = await final(c.eventId as string, 'INVOICED', 60_000);
    const ledger = await invoicesIn(s.tripletex.companyId);
    expect(ledger.invoices).toHaveLength(1);
    expect(invoiced.invoiceNumber).toBe(ledger.invoices[0].invoiceNumber);
  });
});
