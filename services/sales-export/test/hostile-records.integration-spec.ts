import { join } from 'node:path';
import { deadLetterTopic, ParseableTopic, Topics } from '@pos-tripletex/contracts';
import { addDays, osloToday, SecretBindings } from '@pos-tripletex/platform';
import { TripletexClient } from '@pos-tripletex/tripletex';
import {
  aCheckout,
  aDayClosed,
  anIntegrationConfig,
  Collector,
  eventually,
  HOSTILE_ID_HEADER,
  HostileRecord,
  hostileRecords,
  notDeadLettered,
  publishInterleaved,
  SandboxCompany,
  ServiceUnderTest,
  uniqueName,
} from '@pos-tripletex/testing';
import { createDataSource } from '../src/database/setup';

// Nothing a producer sends stops sales-export: a corpus of hostile records on each topic it
// consumes, interleaved with good records of two companies. Every hostile record ends on its
// dead-letter topic with the reason (and, for the POS topics, a rejection event the POS reads);
// every good one is applied, and the good companies' days are posted.

let sut: ServiceUnderTest;
let events: Collector;

// Today's business day: it closes by its Z-report once every checkout is in, so one voucher.
const day = osloToday();
const NUMBERS = [1579, 1900, 2910, 3000, 3001, 7740];

interface Company {
  companyId: string;
  tripletex: SandboxCompany;
  config: Record<string, unknown>;
}

async function company(): Promise<Company> {
  const companyId = uniqueName('hostile_co');
  const tripletex = await sut.sandbox.createCompany({ name: `Kafé ${companyId}` });
  const client = new TripletexClient({
    baseUrl: sut.sandbox.apiUrl,
    consumerToken: sut.sandbox.consumerToken,
  });
  const ids = await client
    .company({ key: companyId, employeeToken: tripletex.employeeToken })
    .listAccounts({ number: NUMBERS.join(','), fields: 'id,number' })
    .finally(() => client.close());
  const account = (n: number) => ({
    accountId: ids.values!.find((a) => a.number === n)!.id,
    accountNumber: n,
  });
  const config = anIntegrationConfig({
    companyId,
    version: 1,
    tripletexCompanyId: tripletex.companyId,
    employeeToken: sut.box.seal(tripletex.employeeToken, SecretBindings.tripletexToken(companyId)),
    startDate: addDays(day, -30),
    mappings: {
      paymentMethods: [
        { paymentMethodId: 'card', ...account(1579) },
        { paymentMethodId: 'invoice', ...account(1579) },
      ],
      productGroups: [{ productGroupId: 'food', takeaway: false, vatRate: 25, ...account(3000) }],
      otherEvents: [
        { event: 'TIPS', ...account(2910) },
        { event: 'ROUNDING', ...account(7740) },
      ],
    },
  });
  return { companyId, tripletex, config };
}

const dayStatus = (companyId: string) =>
  events
    .json<{ companyId: string; businessDay: string; status: string; checkouts: number }>(
      Topics.DayStatusV1,
    )
    .filter((e) => e.companyId === companyId && e.businessDay === day)
    .at(-1);

beforeAll(async () => {
  sut = await ServiceUnderTest.start({
    mainJs: join(__dirname, '../dist/main.js'),
    createDataSource,
    schema: 'sales_export_hostile',
    env: () => ({ EXPORT_POLL_MS: '200', KAFKA_HANDLER_MAX_ATTEMPTS: '3' }),
  });
  // Earlier tests' records on the shared topics are read first; our deadlines start after.
  const group = sut.env.KAFKA_GROUP_ID;
  await sut.caughtUp({
    [Topics.IntegrationConfigV1]: [group],
    [Topics.DayClosedV1]: [group],
    [Topics.CheckoutCompletedV1]: [`${group}-checkouts`],
  });
  events = await sut.kafka.collect([
    Topics.DayStatusV1,
    Topics.RecordRejectedV1,
    deadLetterTopic(Topics.CheckoutCompletedV1),
    deadLetterTopic(Topics.DayClosedV1),
    deadLetterTopic(Topics.IntegrationConfigV1),
  ]);
}, 600_000); // catching up with a shared broker's history may take a while

afterAll(async () => {
  await sut?.stop();
});

it('dead-letters every hostile record on every topic, tells the POS, and applies every good one', async () => {
  const [a, b] = [await company(), await company()];
  const good = (c: Company, n: number) =>
    Array.from({ length: n }, (_, i) =>
      aCheckout({
        companyId: c.companyId,
        receiptNumber: `${i + 1}`,
        completedAt: `${day}T12:${String(i).padStart(2, '0')}:00+01:00`,
        lines: [
          { unitPriceGross: 10_000 + i, description: i === 0 ? 'NUL \u0000 in text' : 'Mat' },
        ],
      }),
    );
  // Good records a hostile-looking eye might doubt: a NUL in a description (not stored here), an
  // invoice customer beyond 2^31 (booked by its invoice, not by the voucher).
  const checkoutsA = [
    ...good(a, 12),
    aCheckout({
      companyId: a.companyId,
      receiptNumber: 'inv-1',
      completedAt: `${day}T13:00:00+01:00`,
      lines: [{ unitPriceGross: 5000 }],
      invoice: { customerId: 2 ** 31 + 7 },
    }),
  ];
  const checkoutsB = good(b, 12);

  const hostile: Record<ParseableTopic, HostileRecord[]> = {
    [Topics.CheckoutCompletedV1]: hostileRecords(Topics.CheckoutCompletedV1, checkoutsA[1]),
    [Topics.DayClosedV1]: hostileRecords(
      Topics.DayClosedV1,
      aDayClosed({ companyId: a.companyId, businessDay: day }),
    ),
    [Topics.IntegrationConfigV1]: hostileRecords(Topics.IntegrationConfigV1, a.config, {
      compacted: true,
    }),
  } as Record<ParseableTopic, HostileRecord[]>;

  const started = Date.now();
  await publishInterleaved(
    sut.kafka,
    Topics.IntegrationConfigV1,
    hostile[Topics.IntegrationConfigV1],
    [a, b].map((c) => ({ key: c.companyId, value: c.config })),
  );
  await publishInterleaved(
    sut.kafka,
    Topics.CheckoutCompletedV1,
    hostile[Topics.CheckoutCompletedV1],
    [...checkoutsA, ...checkoutsB].map((c) => ({ key: c.companyId as string, value: c })),
  );
  await publishInterleaved(
    sut.kafka,
    Topics.DayClosedV1,
    hostile[Topics.DayClosedV1],
    [a, b].map((c) => ({
      key: c.companyId,
      value: aDayClosed({
        companyId: c.companyId,
        businessDay: day,
        checkoutCount: c === a ? checkoutsA.length : checkoutsB.length,
      }),
    })),
  );

  // Every good record applied: both days posted with all their checkouts.
  await eventually(
    () => {
      expect(dayStatus(a.companyId)).toMatchObject({ status: 'POSTED', checkouts: 13 });
      expect(dayStatus(b.companyId)).toMatchObject({ status: 'POSTED', checkouts: 12 });
    },
    { timeoutMs: 90_000 },
  );
  const postedAfterMs = Date.now() - started;

  // Every hostile record dead-lettered by this service with its reason.
  const group = sut.env.KAFKA_GROUP_ID;
  await eventually(
    () => {
      for (const [topic, records] of Object.entries(hostile))
        expect(notDeadLettered(events.messages, deadLetterTopic(topic), group, records)).toEqual(
          [],
        );
    },
    { timeoutMs: 60_000 },
  );

  // The POS hears about each rejected POS record: one rejection event each, naming the problem.
  const rejections = events.json<{
    topic: string;
    partition: number;
    offset: string;
    code: string;
    problems: { path: string }[];
    companyId?: string;
    rejectedBy: string;
  }>(Topics.RecordRejectedV1);
  for (const topic of [Topics.CheckoutCompletedV1, Topics.DayClosedV1]) {
    const parked = events.messages.filter(
      (m) =>
        m.topic === deadLetterTopic(topic) &&
        m.headers['dlq-consumer-group'] === group &&
        hostile[topic].some((h) => h.id === m.headers[HOSTILE_ID_HEADER]),
    );
    for (const record of parked) {
      const matching = rejections.filter(
        (r) =>
          r.topic === topic &&
          String(r.partition) === record.headers['dlq-original-partition'] &&
          r.offset === record.headers['dlq-original-offset'],
      );
      expect(matching.length).toBeGreaterThanOrEqual(1);
      expect(new Set(matching.map((r) => r.code))).toEqual(
        new Set([record.headers['dlq-error-code']]),
      );
      expect(matching[0].rejectedBy).toBe('sales-export');
    }
  }
  // The deep-nesting checkout is refused for its depth, before anything else read it.
  const deep = events.messages.find(
    (m) => m.headers['x-hostile-kind'] === 'deep-array-unknown-field' && m.topic.endsWith('.dlq'),
  );
  expect(JSON.parse(deep!.headers['dlq-problems'])).toEqual([
    expect.objectContaining({ code: 'TOO_DEEP' }),
  ]);

  // The vouchers are right: each day once, the invoiced sale left out.
  for (const [c, checkouts] of [
    [a, checkoutsA.slice(0, 12)],
    [b, checkoutsB],
  ] as const) {
    const vouchers = (await sut.sandbox.ledger<{ vouchers: any[] }>(c.tripletex.companyId))
      .vouchers;
    expect(vouchers).toHaveLength(1);
    const debit = vouchers[0].postings
      .filter((p: any) => !p.systemGenerated && p.amountGross > 0)
      .reduce((s: number, p: any) => s + Math.round(p.amountGross * 100), 0);
    expect(debit).toBe(
      checkouts.reduce((s, ch) => s + (ch.payments as { amount: number }[])[0].amount, 0),
    );
  }

  // And the service is still ready: no consumer crashed or stuck on a record.
  const ready = await fetch(`${sut.url}/ready`);
  expect(ready.status).toBe(200);
  console.log(
    `[hostile] sales-export: ${Object.values(hostile).flat().length} hostile records, good days posted after ${postedAfterMs} ms`,
  );
}, 240_000);
