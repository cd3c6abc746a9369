// The markdown table of `npm run bench` (deploy/bench/results/e2e.md), from its JSON result.
//   node deploy/bench/e2e-report.mjs   rewrites e2e.md from e2e.json
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const round = (n, d = 0) => Math.round(n * 10 ** d) / 10 ** d;

/** Invoices/s the sandbox's per-company rate limit allows at the measured calls per invoice. */
const invoiceCeiling = (r) => {
  const { limit, windowSeconds } = r.throughput.sandboxRateLimit;
  return round(
    ((r.throughput.companies ?? 4) * limit) / windowSeconds / r.throughput.callsPerInvoice,
  );
};

export function e2eMarkdown(r) {
  return `# End-to-end benchmark

${r.at}, ${r.machine.cpus} cores (${r.machine.model}), Node ${r.machine.node}; Kafka, PostgreSQL, the sandbox and ${r.instancesPerService} instances of each of the four services share the machine. \`npm run bench\`.

| measure | result | ceiling in the same run |
|---|---|---|
| checkout events/s, published → every day POSTED and every invoice INVOICED | **${r.throughput.eventsPerSecond}/s** (${r.throughput.checkouts} checkouts, ${r.throughput.locationDays} location-days, ${r.throughput.invoiced} invoices, ${r.throughput.seconds} s) | Kafka ProducerPerformance ${r.kafka ? round(r.kafka.producerRecordsPerSecond) : 'n/a'} records/s, ConsumerPerformance ${r.kafka ? round(r.kafka.consumerRecordsPerSecond) : 'n/a'} records/s (${r.kafka?.recordSize}-byte records) |
| the same load: every voucher posted after / every invoice done after | ${r.throughput.vouchersPostedAfterSeconds} s (${r.throughput.eventsPerSecondToVouchers} checkouts/s) / ${r.throughput.invoicedAfterSeconds} s (${r.throughput.invoicesPerSecond} invoices/s) | sandbox rate limit ${r.throughput.sandboxRateLimit.limit} requests per ${r.throughput.sandboxRateLimit.windowSeconds} s per company: ${invoiceCeiling(r)} invoices/s for ${r.throughput.companies ?? 4} companies at ${r.throughput.callsPerInvoice} calls each |
| checkout → INVOICED p50 / p99 (${r.latency.invoices} at ${r.latency.ratePerSecond}/s) | **${r.latency.p50Ms} ms / ${r.latency.p99Ms} ms** (max ${r.latency.maxMs} ms) | Kafka EndToEndLatency p50 ${r.kafka?.endToEndLatencyMs.p50} ms / p99 ${r.kafka?.endToEndLatencyMs.p99} ms |
| Tripletex calls per invoice | **${r.throughput.callsPerInvoice}** | 1 (the invoice itself) |
| Tripletex calls per voucher | **${r.throughput.callsPerVoucher}** in the load (${r.throughput.locationDays} vouchers for ${r.throughput.companies ?? 4} companies: each company's chart of accounts and VAT types are looked up once), **${r.backfill.callsPerDay}** over the ${r.backfill.days}-day backfill | 2 (the look-up by external number, then the post) |
| backfill of ${r.backfill.days} days (50 ms latency, 10 requests/s) | **${r.backfill.seconds} s** (${r.backfill.daysPerSecond} days/s, ${r.backfill.callsPerDay} calls/day) | ${r.backfill.ceilingDaysPerSecond} days/s at the rate limit |
| peak memory per service (RSS, largest instance) | ${Object.entries(r.peakMemoryMb)
    .map(([k, v]) => `${k} ${v} MB`)
    .join(', ')} | |
`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = new URL('results/', import.meta.url);
  const r = JSON.parse(readFileSync(new URL('e2e.json', dir), 'utf8'));
  writeFileSync(new URL('e2e.md', dir), e2eMarkdown(r));
}
