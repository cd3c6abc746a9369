import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { deadLetterTopic, Topics } from '@pos-tripletex/contracts';
import { aCheckout, Collector, eventually } from '@pos-tripletex/testing';
import { HostileRecord, hostileRecords } from './faults';
import {
  aBusyDay,
  addDays,
  Company,
  LOCATIONS,
  LocationDay,
  todaySoFar,
  zReport,
} from './scenario';
import { System } from './system';

// A load of checkouts over two Z-report days at every location, optionally with hostile records
// mixed in, and the check that follows every fault case: nothing lost, nothing duplicated,
// judged against the sandbox's ledger and the events the services published.

export interface Load {
  companies: Company[];
  days: LocationDay[];
  /** Checkouts charged by invoice to the company's own customer: one invoice each. */
  invoiced: Record<string, unknown>[];
  /** Checkouts charged to another company's customer: refused by invoicing with the reason. */
  foreign: Record<string, unknown>[];
  hostile: HostileRecord[];
}

export interface LoadOptions {
  /** Rounds of the day's mix (7 checkouts each) per location and day. */
  blocks: number;
  hostilePerCompany?: number;
  foreignPerCompany?: number;
}

export function planLoad(companies: Company[], options: LoadOptions): Load {
  const today = todaySoFar();
  const load: Load = { companies, days: [], invoiced: [], foreign: [], hostile: [] };
  companies.forEach((company, k) => {
    for (const locationId of LOCATIONS) {
      for (const [day, times] of [
        [addDays(today.day, -1), undefined],
        [today.day, today.times],
      ] as const) {
        const d = aBusyDay(
          company,
          locationId,
          day,
          options.blocks,
          company.customers.slice(0, 1),
          times,
        );
        load.days.push(d);
        load.invoiced.push(...d.invoiced);
      }
    }
    const other = companies[(k + 1) % companies.length];
    const target = load.days.find((d) => d.companyId === company.companyId) as LocationDay;
    for (let i = 0; i < (options.foreignPerCompany ?? 0) && other !== company; i++) {
      const c = aCheckout({
        companyId: company.companyId,
        locationId: target.locationId,
        completedAt: target.checkouts[0].completedAt as string,
        lines: [{ unitPriceGross: 12300 }],
        invoice: { customerId: other.customers[0], reference: `FOREIGN-${i}` },
      });
      target.checkouts.push(c); // counted by the Z-report, left out of the voucher
      load.foreign.push(c);
    }
    load.hostile.push(
      ...hostileRecords(company, options.hostilePerCompany ?? 0, addDays(today.day, -1)),
    );
  });
  return load;
}

interface Outgoing {
  key: string | Buffer | null;
  value: string | Buffer | object | null;
  headers?: Record<string, string | Buffer>;
}

/** Good and hostile records interleaved evenly, in the order a busy topic would see them. */
export function recordsOf(load: Load): Outgoing[] {
  const good: Outgoing[] = load.days
    .flatMap((d) => d.checkouts)
    .map((c) => ({ key: c.companyId as string, value: c }));
  const bad: Outgoing[] = load.hostile;
  const out: Outgoing[] = [];
  const step = bad.length ? Math.max(1, Math.floor(good.length / bad.length)) : Infinity;
  let b = 0;
  good.forEach((g, i) => {
    out.push(g);
    if (i % step === step - 1 && b < bad.length) out.push(bad[b++]);
  });
  out.push(...bad.slice(b));
  return out;
}

const big = (r: Outgoing) => (typeof r.value === 'string' ? r.value.length : 0) > 100_000;

/**
 * Publishes the records in `chunks` sends (an oversized record on its own: a batch over the
 * broker's 1 MB limit would be refused whole), calling `between(i)` after send i.
 */
export async function send(
  system: System,
  records: Outgoing[],
  chunks: number,
  between: (i: number) => Promise<void> = async () => undefined,
): Promise<void> {
  const size = Math.ceil(records.length / chunks);
  for (let i = 0; i < chunks; i++) {
    const part = records.slice(i * size, (i + 1) * size);
    const normal = part.filter((r) => !big(r));
    if (normal.length) await system.kafka.produce(Topics.CheckoutCompletedV1, normal);
    for (const r of part.filter(big)) await system.kafka.produce(Topics.CheckoutCompletedV1, [r]);
    await between(i);
  }
}

export async function closeDays(system: System, load: Load): Promise<void> {
  await system.kafka.produce(Topics.DayClosedV1, load.days.map(zReport));
}

export interface FaultCounts {
  case: string;
  eventsSent: number;
  /** Good checkouts applied: on a posted day with the right count, or invoiced (refused foreign ones included). */
  applied: number;
  hostileSent: number;
  locationDays: number;
  vouchers: number;
  invoicesExpected: number;
  invoices: number;
  refusedByInvoicing: number;
  deadLettered: number;
  /** Hostile records the POS was told about (a rejection event from sales-export). */
  rejectedToPos: number;
  duplicates: number;
  lost: number;
  /** From the first record sent until everything was settled. */
  completionMs: number;
}

/** The topics a fault case reads back. */
export const OBSERVED_TOPICS = [
  Topics.DayStatusV1,
  Topics.InvoiceStatusV1,
  Topics.RecordRejectedV1,
  deadLetterTopic(Topics.CheckoutCompletedV1),
];

/**
 * Waits until every location-day is POSTED, every invoice is INVOICED (or refused), and every
 * hostile record is dead-lettered by both consumers of checkouts; then compares the ledger.
 */
export async function settle(
  system: System,
  events: Collector,
  load: Load,
  name: string,
  timeoutMs = 240_000,
  startedAt = Date.now(),
): Promise<FaultCounts> {
  const json = (topic: string) =>
    events.messages
      .filter((m) => m.topic === topic && m.value)
      .map((m) => ({
        ...JSON.parse(m.value!.toString()),
        __headers: m.headers,
      }));
  const mine = new Set(load.companies.map((c) => c.companyId));
  // Dead letters name the service's group (sales-export's batch reader reports its main group).
  const groups = [system.groups.get('sales-export'), system.groups.get('invoicing')] as string[];
  const faultIds = new Set(load.hostile.map((h) => String(h.headers['x-fault-id'])));
  const deadLettered = () => {
    const seen = new Set<string>();
    for (const m of events.messages) {
      if (m.topic !== deadLetterTopic(Topics.CheckoutCompletedV1)) continue;
      const id = m.headers['x-fault-id'];
      if (faultIds.has(id) && groups.includes(m.headers['dlq-consumer-group']))
        seen.add(`${m.headers['dlq-consumer-group']} ${id}`);
    }
    return seen;
  };
  /**
   * Checkouts charged to another company's customer that invoicing refused (FAILED status) and
   * dead-lettered with the reason, once Tripletex said the customer is not this company's.
   */
  const refusedForeign = () => {
    const failed = lastInvoiceStatus();
    const lettered = new Set(
      events.messages
        .filter(
          (m) =>
            m.topic === deadLetterTopic(Topics.CheckoutCompletedV1) &&
            m.headers['dlq-error-code'] === 'INVOICING.CUSTOMER_UNKNOWN' &&
            m.value,
        )
        .map((m) => (JSON.parse(m.value!.toString()) as { eventId: string }).eventId),
    );
    return new Set(
      load.foreign
        .map((c) => c.eventId as string)
        .filter((id) => failed.get(id)?.status === 'FAILED' && lettered.has(id)),
    );
  };
  const lastDayStatus = () => {
    const last = new Map<string, any>();
    for (const e of json(Topics.DayStatusV1))
      if (mine.has(e.companyId)) last.set(`${e.companyId} ${e.locationId} ${e.businessDay}`, e);
    return last;
  };
  const lastInvoiceStatus = () => {
    const last = new Map<string, any>();
    for (const e of json(Topics.InvoiceStatusV1))
      if (mine.has(e.companyId)) last.set(e.checkoutEventId, e);
    return last;
  };
  const dayKey = (d: LocationDay) => `${d.companyId} ${d.locationId} ${d.businessDay}`;

  let waited: string | undefined;
  let lastReport = Date.now();
  await eventually(
    () => {
      const days = lastDayStatus();
      const notPosted = load.days.filter((d) => days.get(dayKey(d))?.status !== 'POSTED');
      const invoices = lastInvoiceStatus();
      const notInvoiced = load.invoiced.filter(
        (c) => invoices.get(c.eventId as string)?.status !== 'INVOICED',
      );
      const refused = refusedForeign();
      const notRefused = load.foreign.filter((c) => !refused.has(c.eventId as string));
      const dl = deadLettered().size;
      const missing = notInvoiced
        .slice(0, 3)
        .map((c) => JSON.stringify(invoices.get(c.eventId as string) ?? { eventId: c.eventId }));
      waited = `${notPosted.length} day(s) not posted, ${notInvoiced.length} invoice(s) missing ${missing.join(' ')}, ${notRefused.length} foreign not refused, ${dl}/${load.hostile.length * groups.length} dead letters`;
      if (process.env.FAULTS_VERBOSE && Date.now() - lastReport > 5000) {
        lastReport = Date.now();
        process.stderr.write(`[faults] ${name}: ${waited}\n`);
      }
      if (
        notPosted.length ||
        notInvoiced.length ||
        notRefused.length ||
        dl < load.hostile.length * groups.length
      )
        throw new Error(waited);
    },
    { timeoutMs, intervalMs: 500 },
  ).catch(() => undefined); // counted below: what never arrived is "lost"
  const completionMs = Date.now() - startedAt;

  const days = lastDayStatus();
  const invoices = lastInvoiceStatus();
  let vouchers = 0;
  let invoiceCount = 0;
  let duplicates = 0;
  let lost = 0;
  let applied = 0;
  const explained: string[] = [];
  for (const company of load.companies) {
    const ledger = await system.sandbox.ledger<{ vouchers: any[]; invoices: any[]; orders: any[] }>(
      company.tripletex.companyId,
    );
    const companyDays = load.days.filter((d) => d.companyId === company.companyId);
    // The day vouchers (an invoice books its own voucher, without an external number).
    ledger.vouchers = ledger.vouchers.filter((v) => v.externalVoucherNumber);
    vouchers += ledger.vouchers.length;
    for (const d of companyDays) {
      const status = days.get(dayKey(d));
      const matching = ledger.vouchers.filter(
        (v) => v.date === d.businessDay && String(v.description).includes(d.locationId),
      );
      const debits = matching
        .flatMap((v) => v.postings as any[])
        .filter((p) => !p.systemGenerated && p.amountGross > 0)
        .reduce((s, p) => s + Math.round(p.amountGross * 100), 0);
      const wrong =
        status?.status !== 'POSTED' ||
        status.checkouts !== d.checkouts.length ||
        debits !== d.voucherGross;
      if (wrong) lost += 1;
      else applied += d.checkouts.length;
      duplicates += Math.max(0, matching.length - 1);
      // A case that fails says why: the day's status history and its vouchers in the ledger.
      if (wrong || matching.length > 1)
        explained.push(
          `${dayKey(d)}: sent ${d.checkouts.length} checkouts, ${d.voucherGross} øre; statuses ${JSON.stringify(
            json(Topics.DayStatusV1)
              .filter((e) => `${e.companyId} ${e.locationId} ${e.businessDay}` === dayKey(d))
              .map((e) => ({
                status: e.status,
                checkouts: e.checkouts,
                postedGross: e.postedGross,
                voucher: e.voucher,
              })),
          )}; vouchers ${JSON.stringify(
            matching.map((v) => ({
              id: v.id,
              number: v.externalVoucherNumber,
              debits: (v.postings as any[])
                .filter((p) => !p.systemGenerated && p.amountGross > 0)
                .reduce((sum, p) => sum + Math.round(p.amountGross * 100), 0),
            })),
          )}`,
        );
    }
    const expected = load.invoiced.filter((c) => c.companyId === company.companyId);
    invoiceCount += ledger.invoices.length;
    const references = ledger.orders.map((o) => o.reference as string);
    for (const c of expected) {
      const ref = (c.invoice as { reference: string }).reference;
      const n = references.filter((r) => r === ref).length;
      if (n === 0 || invoices.get(c.eventId as string)?.status !== 'INVOICED') lost += 1;
      duplicates += Math.max(0, n - 1);
    }
    // Anything else in the ledger is a duplicate (e.g. an order for a refused foreign checkout).
    duplicates += Math.max(0, ledger.orders.length - expected.length);
  }
  const dl = deadLettered();
  for (const h of load.hostile)
    for (const g of groups) if (!dl.has(`${g} ${String(h.headers['x-fault-id'])}`)) lost += 1;
  const refused = refusedForeign();
  for (const c of load.foreign) if (!refused.has(c.eventId as string)) lost += 1;
  // The POS hears about every hostile checkout: a rejection event for each dead-letter record of
  // sales-export (matched by the record's position).
  const positions = new Set(
    events.messages
      .filter(
        (m) =>
          m.topic === deadLetterTopic(Topics.CheckoutCompletedV1) &&
          faultIds.has(m.headers['x-fault-id']) &&
          m.headers['dlq-consumer-group'] === groups[0],
      )
      .map((m) => `${m.headers['dlq-original-partition']}@${m.headers['dlq-original-offset']}`),
  );
  const told = new Set(
    json(Topics.RecordRejectedV1)
      .filter((r) => r.rejectedBy === 'sales-export' && r.topic === Topics.CheckoutCompletedV1)
      .map((r) => `${r.partition}@${r.offset}`),
  );
  const rejectedToPos = [...positions].filter((p) => told.has(p)).length;

  const counts: FaultCounts = {
    case: name,
    eventsSent: load.days.reduce((s, d) => s + d.checkouts.length, 0),
    applied,
    hostileSent: load.hostile.length,
    locationDays: load.days.length,
    vouchers,
    invoicesExpected: load.invoiced.length,
    invoices: invoiceCount,
    refusedByInvoicing: refused.size,
    deadLettered: dl.size,
    rejectedToPos,
    duplicates,
    lost,
    completionMs,
  };
  record(counts, [waited, ...explained].join('\n  '));
  return counts;
}

const RESULTS = resolve(__dirname, '../../../.cache/faults');

/** Appends a case's counts to .cache/faults/results.json (the fault suite's report). */
function record(counts: FaultCounts, waited: string | undefined): void {
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(
    resolve(RESULTS, `${counts.case.replace(/\W+/g, '-')}.json`),
    JSON.stringify({ ...counts, waited }, null, 2),
  );
  console.log(
    `[faults] ${JSON.stringify(counts)}${counts.lost || counts.duplicates ? `\n  last wait: ${waited}` : ''}`,
  );
}
