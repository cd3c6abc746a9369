import { Client } from 'pg';
import { serviceEnv, TestSchema, testSecrets } from '@pos-tripletex/testing';
import { createDataSource } from '../src/database/setup';
import { CLAIM_DUE_DAYS_SQL } from '../src/days/day.lifecycle';

// Several sales-export instances claim closed days from one table at the same time. A day
// claimed twice could be posted twice, and two days of one company at once would break the
// voucher order, so the claim must hold under real concurrency: PostgreSQL sessions racing.

let schema: TestSchema;
let databaseUrl: string;

beforeAll(async () => {
  schema = await TestSchema.create('sales_export_claim');
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

it('never hands one day to two instances, nor two days of one company at once', async () => {
  const companies = 30;
  const days = 10;
  await schema.query(
    `INSERT INTO company_settings (company_id, version, status, config, changed_at)
     SELECT 'co' || c, 1, 'ACTIVE', '{"startDate": "2026-01-01"}', now()
     FROM generate_series(1, $1) AS c`,
    [companies],
  );
  await schema.query(
    `INSERT INTO days (company_id, location_id, business_day, status, closes_at, next_attempt_at,
       created_at, updated_at)
     SELECT 'co' || c, 'oslo', date '2026-10-01' + d, 'CLOSED', now(), now() - interval '1 second',
       now(), now()
     FROM generate_series(1, $1) AS c, generate_series(1, $2) AS d`,
    [companies, days],
  );
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
  const inFlight = new Map<string, number>(); // company → days it has claimed and not finished
  let overlaps = 0;
  try {
    // Each "instance" claims, then finishes what it claimed (EXPORTED), until nothing is left.
    await Promise.all(
      sessions.map(async (client) => {
        for (let empty = 0; empty < 20;) {
          const { rows } = await client.query<{ company_id: string; business_day: string }>(
            CLAIM_DUE_DAYS_SQL,
            [3, 600],
          );
          for (const r of rows) {
            claims.push(`${r.company_id} ${r.business_day}`);
            inFlight.set(r.company_id, (inFlight.get(r.company_id) ?? 0) + 1);
            if ((inFlight.get(r.company_id) ?? 0) > 1) overlaps++;
          }
          for (const r of rows) {
            await client.query(
              `UPDATE days SET status = 'EXPORTED', lease_until = NULL
               WHERE company_id = $1 AND business_day = $2`,
              [r.company_id, r.business_day],
            );
            inFlight.set(r.company_id, (inFlight.get(r.company_id) ?? 1) - 1);
          }
          empty = rows.length ? 0 : empty + 1;
        }
      }),
    );
  } finally {
    await Promise.all(sessions.map((c) => c.end()));
  }
  expect(claims.filter((c, i) => claims.indexOf(c) !== i)).toEqual([]);
  expect(claims).toHaveLength(companies * days);
  expect(overlaps).toBe(0);
});
