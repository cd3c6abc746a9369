import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { serviceEnv, TestSchema, testSecrets } from '@pos-tripletex/testing';
import { createDataSource } from '../src/database/setup';
import { CLAIM_DUE_REQUESTS_SQL } from '../src/invoices/invoice-request.lifecycle';

// Several invoicing instances claim requests from one table at the same time. A request claimed
// twice becomes two invoices in Tripletex, so the claim must hold under real concurrency: many
// PostgreSQL sessions racing on the same rows, not a mock.

let schema: TestSchema;
let databaseUrl: string;

beforeAll(async () => {
  schema = await TestSchema.create('invoicing_claim');
  const env = { ...serviceEnv(schema.name), ...testSecrets().env };
  databaseUrl = env.DATABASE_URL;
  const ds = createDataSource(env);
  await ds.initialize();
  await ds.runMigrations();
  await ds.destroy();
});

afterAll(async () => {
  await schema?.drop();
});

async function seed(companies: number, perCompany: number): Promise<string[]> {
  const ids = Array.from({ length: companies * perCompany }, () => randomUUID());
  await schema.query(
    `INSERT INTO invoice_requests (checkout_event_id, company_id, kind, mode, status, customer_id,
       receipt_number, location_id, business_day, total_gross, checkout, marker, attempts,
       next_attempt_at, created_at, updated_at)
     SELECT id, 'co' || (n % $2), 'INVOICE', 'SINGLE', 'PENDING', 1, n::text, 'oslo', '2026-11-24',
       100, '{}', id::text, 0, now() - interval '1 second', now(), now()
     FROM unnest($1::uuid[]) WITH ORDINALITY AS t(id, n)`,
    [ids, companies],
  );
  return ids;
}

it('never hands one request to two instances claiming at the same time', async () => {
  const ids = await seed(4, 150);
  const sessions = await Promise.all(
    Array.from({ length: 8 }, async () => {
      const client = new Client({
        connectionString: databaseUrl,
        options: `-c search_path=${schema.name}`,
      });
      await client.connect();
      return client;
    }),
  );
  const claims: string[] = [];
  try {
    // Each "instance" claims small batches as fast as it can until nothing is left; a long lease
    // means nothing may be claimed twice. Up to 8 in flight per company across all of them.
    await Promise.all(
      sessions.map(async (client) => {
        for (let empty = 0; empty < 20;) {
          const { rows } = await client.query<{ checkout_event_id: string }>(
            CLAIM_DUE_REQUESTS_SQL,
            [3, 1000, 600],
          );
          claims.push(...rows.map((r) => r.checkout_event_id));
          empty = rows.length ? 0 : empty + 1;
        }
      }),
    );
  } finally {
    await Promise.all(sessions.map((c) => c.end()));
  }
  const twice = claims.filter((id, i) => claims.indexOf(id) !== i);
  expect(twice).toEqual([]);
  expect(new Set(claims)).toEqual(new Set(ids));
  const [row] = await schema.query<{ attempts: string }>(
    "SELECT max(attempts) AS attempts FROM invoice_requests WHERE status = 'IN_FLIGHT'",
  );
  expect(Number(row.attempts)).toBe(1);
});
