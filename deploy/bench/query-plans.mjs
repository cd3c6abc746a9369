// The hot queries' plans on tables of production size: the worker claims, the day closer, the
// day and invoice look-ups and the retention prune. Fills a fresh schema per service (migrated by
// the service's own migrate step), runs ANALYZE, then EXPLAIN (ANALYZE, BUFFERS) of each query,
// and writes deploy/bench/results/query-plans.md. Needs PostgreSQL (DATABASE_URL) and built
// services (`npm run build`). Knobs: BENCH_PLAN_ROWS (rows per big table, default 200,000).
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { DATABASE_URL, require, root } from './bench-kit.mjs';

const { Client } = require('pg');
const ROWS = Number(process.env.BENCH_PLAN_ROWS ?? 200_000);
const COMPANIES = 500;

function migrate(service, schema) {
  const result = spawnSync(process.execPath, [`${root}services/${service}/dist/migrate.js`], {
    env: { PATH: process.env.PATH, DATABASE_URL, DATABASE_SCHEMA: schema, LOG_LEVEL: 'warn' },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`${service} migrate failed: ${result.stderr}`);
}

async function withSchema(service, fill, queries) {
  const schema = `plans_${service.replace('-', '_')}_${randomBytes(3).toString('hex')}`;
  migrate(service, schema);
  const db = new Client({ connectionString: DATABASE_URL, options: `-c search_path=${schema}` });
  await db.connect();
  const out = [];
  try {
    await fill(db);
    await db.query('ANALYZE');
    for (const [name, sql, params] of queries) {
      // Inside a transaction that is rolled back: the claims' updates leave the data as it was.
      await db.query('BEGIN');
      const { rows } = await db.query(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${sql}`, params);
      await db.query('ROLLBACK');
      const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
      const ms = /Execution Time: ([0-9.]+) ms/.exec(plan)?.[1];
      out.push({ name, ms: Number(ms), plan });
      console.log(`${service}: ${name}: ${ms} ms`);
    }
  } finally {
    await db.end();
    const admin = new Client({ connectionString: DATABASE_URL });
    await admin.connect();
    await admin.query(`DROP SCHEMA "${schema}" CASCADE`);
    await admin.end();
  }
  return out;
}

const salesExport = require(`${root}services/sales-export/dist/days/day.lifecycle.js`);
const invoicing = require(`${root}services/invoicing/dist/invoices/invoice-request.lifecycle.js`);
const collective = require(`${root}services/invoicing/dist/collective/collective-run.lifecycle.js`);

const sections = [];

sections.push([
  'sales-export',
  await withSchema(
    'sales-export',
    async (db) => {
      // Settings of 500 active companies; days over a year at 2 locations, almost all posted.
      await db.query(
        `INSERT INTO company_settings (company_id, version, status, config, changed_at, received_at)
         SELECT 'co' || c, 1, 'ACTIVE', jsonb_build_object('companyId', 'co' || c, 'startDate', '2025-01-01'), now(), now()
         FROM generate_series(1, ${COMPANIES}) c`,
      );
      await db.query(
        `INSERT INTO days (company_id, location_id, business_day, status, checkouts, revision, closes_at,
           next_attempt_at, created_at, updated_at)
         SELECT 'co' || (n % ${COMPANIES}), 'loc' || ((n / ${COMPANIES}) % 2),
           date '2026-11-30' - (n / ${COMPANIES * 2})::int,
           -- the newest day of every company is closed and due; every 50th day still open
           CASE WHEN n / ${COMPANIES * 2} = 0 THEN 'CLOSED' WHEN (n / ${COMPANIES * 2}) % 50 = 1 THEN 'OPEN' ELSE 'POSTED' END,
           10, 1, now() - interval '1 day' * (n / ${COMPANIES * 2}), now(), now(), now()
         FROM generate_series(0, ${ROWS - 1}) n`,
      );
      // And as many closed days of companies that never activated the integration (a POS tenant
      // that sells but does not export): they stay CLOSED for good, and the claim must not scan them.
      await db.query(
        `INSERT INTO days (company_id, location_id, business_day, status, checkouts, revision, closes_at,
           next_attempt_at, created_at, updated_at)
         SELECT 'idle' || (n % ${COMPANIES}), 'loc', date '2026-11-30' - (n / ${COMPANIES})::int,
           'CLOSED', 10, 1, now(), now(), now(), now()
         FROM generate_series(0, ${ROWS - 1}) n`,
      );
      await db.query(
        `INSERT INTO sales (event_id, company_id, location_id, business_day, receipt_number, kind, completed_at,
           invoiced, total_gross, tip, rounding, lines, payments, received_at)
         SELECT gen_random_uuid(), 'co' || (n % ${COMPANIES}), 'loc' || (n % 2), date '2026-11-30' - (n / ${COMPANIES * 20})::int,
           n::text, 'SALE', now(), false, 10000, 0, 0, '[]', '[]', now()
         FROM generate_series(1, ${ROWS}) n`,
      );
      await db.query(
        `INSERT INTO processed_events (consumer, event_id, topic, partition, "offset", processed_at)
         SELECT 'sales-export-checkouts', gen_random_uuid()::text, 'pos.checkout.completed.v1', n % 6, n,
           now() - interval '1 minute' * (n % 100000)
         FROM generate_series(1, ${ROWS * 2}) n`,
      );
    },
    [
      ['claim due days (CLAIM_DUE_DAYS_SQL)', salesExport.CLAIM_DUE_DAYS_SQL, [4, 120]],
      [
        'close due days',
        `SELECT company_id, location_id, business_day FROM days
         WHERE status = 'OPEN' AND (closes_at <= now()
           OR (z_received_at IS NOT NULL AND (z_checkout_count IS NULL OR checkouts >= z_checkout_count)))
         LIMIT 1000 FOR UPDATE SKIP LOCKED`,
        [],
      ],
      [
        'a day’s sales (voucher snapshot)',
        `SELECT count(*), sum(total_gross) FROM sales
         WHERE company_id = $1 AND location_id = $2 AND business_day = $3::date AND NOT invoiced`,
        ['co7', 'loc1', '2026-11-20'],
      ],
      [
        'redelivery check (processed_events)',
        `SELECT 1 FROM processed_events WHERE consumer = $1 AND event_id = $2`,
        ['sales-export-checkouts', 'x'],
      ],
      [
        'retention prune (one chunk)',
        `DELETE FROM processed_events WHERE ctid = ANY(ARRAY(
           SELECT ctid FROM processed_events WHERE processed_at < now() - make_interval(days => 30) LIMIT 10000))`,
        [],
      ],
    ],
  ),
]);

sections.push([
  'invoicing',
  await withSchema(
    'invoicing',
    async (db) => {
      await db.query(
        `INSERT INTO invoice_requests (checkout_event_id, company_id, kind, mode, status, customer_id,
           receipt_number, location_id, business_day, total_gross, checkout, marker, attempts,
           next_attempt_at, created_at, updated_at)
         SELECT gen_random_uuid(), 'co' || (n % ${COMPANIES}), 'INVOICE',
           CASE WHEN n % 5 = 0 THEN 'COLLECTIVE' ELSE 'SINGLE' END,
           -- the newest 500 (one per company) are due; a fifth of the rest are open collective orders
           CASE WHEN n < ${COMPANIES} THEN 'PENDING' WHEN n % 5 = 0 THEN 'ORDERED' ELSE 'INVOICED' END,
           1000 + n % 50, n::text, 'loc', date '2026-11-30' - (n / 2000)::int, 10000, '{}', n::text, 1,
           now() - interval '1 second', now(), now()
         FROM generate_series(0, ${ROWS - 1}) n`,
      );
    },
    [
      [
        'claim due requests (CLAIM_DUE_REQUESTS_SQL)',
        invoicing.CLAIM_DUE_REQUESTS_SQL,
        [8, 4, 120],
      ],
      [
        'claim due collective runs (CLAIM_DUE_RUNS_SQL)',
        collective.CLAIM_DUE_RUNS_SQL,
        [4, 2, 120],
      ],
      [
        'open collective orders of a company (preview)',
        `SELECT customer_id, count(*), sum(total_gross) FROM invoice_requests
         WHERE company_id = $1 AND kind = 'INVOICE' AND mode = 'COLLECTIVE' AND status = 'ORDERED'
           AND business_day < $2 AND collective_run_id IS NULL GROUP BY customer_id`,
        ['co5', '2026-12-01'],
      ],
      [
        'a company’s invoices of a day (list)',
        `SELECT checkout_event_id, status FROM invoice_requests WHERE company_id = $1 AND business_day = $2`,
        ['co7', '2026-11-20'],
      ],
    ],
  ),
]);

let md = `# Query plans of the hot queries\n\n${new Date().toISOString()}, \`node deploy/bench/query-plans.mjs\`: ${ROWS.toLocaleString('en')} rows per big table, ${COMPANIES} companies, PostgreSQL ANALYZEd; EXPLAIN (ANALYZE, BUFFERS) inside a rolled-back transaction.\n\n`;
for (const [service, plans] of sections) {
  md += `## ${service}\n\n| query | execution |\n|---|---|\n`;
  for (const p of plans) md += `| ${p.name} | ${p.ms} ms |\n`;
  md += '\n';
  for (const p of plans) md += `### ${p.name}\n\n\`\`\`text\n${p.plan}\n\`\`\`\n\n`;
}
writeFileSync(`${root}deploy/bench/results/query-plans.md`, md);
console.log('wrote deploy/bench/results/query-plans.md');
