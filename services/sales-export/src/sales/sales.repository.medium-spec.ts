import { BatchConsumers } from '@pos-tripletex/messaging';
import { MediumTest } from '@pos-tripletex/testing';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { DataSource } from 'typeorm';
import { createDataSource } from '../database/setup';
import { ExportWorker } from '../days/export.worker';
import { SaleRow, SalesRepository } from './sales.repository';

// The sales table's writes on a real PostgreSQL: a chunk goes in by COPY, a redelivered or
// repeated sale sends it through INSERT … ON CONFLICT instead, and any text a POS may send comes
// back as it was sent (COPY's text format has its own escaping).

let medium: MediumTest;
let sales: SalesRepository;
let dataSource: DataSource;

beforeAll(async () => {
  medium = await MediumTest.start({
    schema: 'sales_export_sales',
    createDataSource,
    load: () => import('../app.module').then((m) => m.AppModule),
    env: { EXPORT_POLL_MS: '60000' },
  });
  await medium.get(ExportWorker).onApplicationShutdown();
  await medium.get(BatchConsumers).beforeApplicationShutdown();
  sales = medium.get(SalesRepository);
  dataSource = medium.get(DataSource);
}, 120_000);

afterAll(async () => {
  await medium?.stop();
});

function aSale(overrides: Partial<SaleRow> = {}): SaleRow {
  return {
    event_id: randomUUID(),
    company_id: 'co-copy',
    location_id: 'oslo',
    business_day: '2026-11-30',
    receipt_number: '1001',
    kind: 'SALE',
    completed_at: '2026-11-30T12:00:00+01:00',
    invoiced: false,
    total_gross: 12_500,
    tip: 0,
    rounding: 0,
    lines: [['food', 25, false, 12_500]],
    payments: [['card', 'CARD', 12_500]],
    ...overrides,
  };
}

const insert = (rows: SaleRow[]) => dataSource.transaction((tx) => sales.insertNew(rows, tx));

async function stored(ids: string[]) {
  return dataSource.query<
    {
      event_id: string;
      receipt_number: string;
      location_id: string;
      lines: unknown;
      payments: unknown;
      tip: string;
      received_at: Date;
    }[]
  >(
    `SELECT event_id, receipt_number, location_id, lines, payments, tip, received_at
     FROM sales WHERE event_id = ANY($1::uuid[]) ORDER BY receipt_number`,
    [ids],
  );
}

it('stores a chunk of new sales and answers that every one of them is new', async () => {
  const rows = Array.from({ length: 300 }, (_, i) => aSale({ receipt_number: String(i), tip: i }));
  const inserted = await insert(rows);
  expect(inserted).toEqual(new Set(rows.map((row) => row.event_id)));
  const back = await stored(rows.map((row) => row.event_id));
  expect(back).toHaveLength(300);
  expect(back.every((row) => row.received_at instanceof Date)).toBe(true);
  expect(back.map((row) => Number(row.tip)).sort((a, b) => a - b)).toEqual(rows.map((_, i) => i));
});

it('answers only the sales not stored before when a chunk is redelivered in part', async () => {
  const before = [aSale(), aSale(), aSale()];
  await insert(before);
  const fresh = [aSale(), aSale()];
  const inserted = await insert([before[1], fresh[0], before[0], fresh[1], before[2]]);
  expect(inserted).toEqual(new Set(fresh.map((row) => row.event_id)));
  expect(await stored([...before, ...fresh].map((row) => row.event_id))).toHaveLength(5);
});

it('stores a sale that comes twice in one chunk once', async () => {
  const sale = aSale();
  const other = aSale();
  const inserted = await insert([sale, other, { ...sale }]);
  expect(inserted).toEqual(new Set([sale.event_id, other.event_id]));
  expect(await stored([sale.event_id])).toHaveLength(1);
});

it('gives back any text exactly as it was sent (tabs, newlines, backslashes, \\. and all)', async () => {
  const text = fc.string({ unit: 'binary', maxLength: 32 }).filter((s) => !s.includes('\u0000'));
  const hostile = fc.constantFrom('\\.', '\\', '\t', '\n', '\r\n', '\\N', 'a\\tb', '"\'', '\u2028');
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.tuple(fc.oneof(text, hostile), fc.oneof(text, hostile)), {
        minLength: 1,
        maxLength: 20,
      }),
      async (values) => {
        const rows = values.map(([receipt, group]) =>
          aSale({
            receipt_number: receipt,
            location_id: `loc${group.length}`,
            lines: [[group, 15, true, 100]],
            payments: [[receipt, 'CARD', 100]],
          }),
        );
        await insert(rows);
        const back = new Map(
          (await stored(rows.map((row) => row.event_id))).map((row) => [row.event_id, row]),
        );
        for (const row of rows) {
          const got = back.get(row.event_id);
          expect(got?.receipt_number).toBe(row.receipt_number);
          expect(got?.lines).toEqual(row.lines);
          expect(got?.payments).toEqual(row.payments);
        }
      },
    ),
    { numRuns: 60 },
  );
});

it('refuses a value PostgreSQL cannot store with its data-exception code, for the Inbox to dead-letter', async () => {
  await expect(insert([aSale(), aSale({ receipt_number: 'nul\u0000byte' })])).rejects.toMatchObject(
    {
      code: expect.stringMatching(/^22/),
    },
  );
});
