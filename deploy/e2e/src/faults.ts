import { execSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createConnection } from 'node:net';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Topics } from '@pos-tripletex/contracts';
import { aCheckout, hostileRecords as corpusOf } from '@pos-tripletex/testing';
import { Company } from './scenario';

// The fault suite's tools: hostile checkout events, and restarts of the broker and the database.

const ROOT = resolve(__dirname, '../../..');

/** A record the contract rejects, tagged with x-fault-id so its dead-letter copy can be matched. */
export interface HostileRecord {
  kind: string;
  key: string | Buffer | null;
  value: string | Buffer | null;
  headers: Record<string, string | Buffer>;
}

const HOSTILE_KINDS = [
  'truncated-json',
  'binary',
  'tombstone',
  'json-array',
  'amount-as-string',
  'unbalanced-totals',
  'negative-sale',
  'missing-fields',
  'schema-version-2',
  'mixed-invoice-and-card',
  'script-in-ids',
  'oversized',
] as const;

/**
 * `count` hostile records for a company, cycling through every kind: bad JSON, wrong types,
 * unbalanced totals, contract-rule breaches, a payload over the contract's 256 KiB, and the
 * structural corpus of libs/testing (nesting thousands deep in known, unknown and extension
 * fields, too many values, odd keys and headers, lone surrogates, prototype keys, …).
 */
export function hostileRecords(company: Company, count: number, day: string): HostileRecord[] {
  const reference = aCheckout({
    companyId: company.companyId,
    locationId: 'oslo-sentrum',
    completedAt: `${day}T12:00:00+01:00`,
    lines: [{ unitPriceGross: 10000 }],
  });
  const corpus = corpusOf(Topics.CheckoutCompletedV1, reference);
  const kinds = HOSTILE_KINDS.length + corpus.length;
  return Array.from({ length: count }, (_, n) => {
    if (n % kinds >= HOSTILE_KINDS.length) {
      const record = corpus[(n % kinds) - HOSTILE_KINDS.length];
      return {
        kind: record.kind,
        key: record.key,
        value: record.value,
        headers: {
          ...record.headers,
          'x-fault-id': `${company.companyId}:${n}`,
          'x-fault-kind': record.kind,
        },
      };
    }
    const kind = HOSTILE_KINDS[n % HOSTILE_KINDS.length];
    const valid = aCheckout({
      companyId: company.companyId,
      locationId: 'oslo-sentrum',
      completedAt: `${day}T12:00:00+01:00`,
      lines: [{ unitPriceGross: 10000 }],
    });
    const payments = valid.payments as {
      amount: number;
      method: string;
      paymentMethodId: string;
    }[];
    let value: string | Buffer | null;
    switch (kind) {
      case 'truncated-json':
        value = JSON.stringify(valid).slice(0, 40);
        break;
      case 'binary':
        value = randomBytes(64);
        break;
      case 'tombstone':
        value = null;
        break;
      case 'json-array':
        value = JSON.stringify([valid]);
        break;
      case 'amount-as-string':
        value = JSON.stringify({ ...valid, payments: [{ ...payments[0], amount: '100.00' }] });
        break;
      case 'unbalanced-totals':
        value = JSON.stringify({ ...valid, payments: [{ ...payments[0], amount: 9999 }] });
        break;
      case 'negative-sale':
        value = JSON.stringify({ ...valid, payments: [{ ...payments[0], amount: -10000 }] });
        break;
      case 'missing-fields': {
        const { lines: _lines, completedAt: _at, ...rest } = valid;
        value = JSON.stringify(rest);
        break;
      }
      case 'schema-version-2':
        value = JSON.stringify({ ...valid, schemaVersion: 2 });
        break;
      case 'mixed-invoice-and-card':
        value = JSON.stringify({
          ...valid,
          payments: [
            { paymentMethodId: 'card', method: 'CARD', amount: 5000 },
            { paymentMethodId: 'invoice', method: 'INVOICE', amount: 5000 },
          ],
          invoice: { customerId: company.customers[0] },
        });
        break;
      case 'script-in-ids':
        value = JSON.stringify({ ...valid, locationId: '<script>alert(1)</script>' });
        break;
      case 'oversized':
        value = JSON.stringify({
          ...valid,
          lines: (valid.lines as Record<string, unknown>[]).map((l) => ({
            ...l,
            description: 'x'.repeat(300 * 1024),
          })),
        });
        break;
    }
    return {
      kind,
      key: company.companyId,
      value,
      headers: { 'x-fault-id': `${company.companyId}:${n}`, 'x-fault-kind': kind },
    };
  });
}

function portOpen(hostPort: string): Promise<boolean> {
  const [host, port] = hostPort.split(':');
  return new Promise((done) => {
    const socket = createConnection({ host, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

/**
 * Stops the broker and starts it again (deploy/kafka/kafka.sh, or FAULT_KAFKA_STOP/START).
 * Proves it really went away: a broker this script does not manage would make the case vacuous.
 */
export async function restartKafka(brokers: string, downMs = 3000): Promise<void> {
  const stop = process.env.FAULT_KAFKA_STOP ?? `bash ${ROOT}/deploy/kafka/kafka.sh stop`;
  const start = process.env.FAULT_KAFKA_START ?? `bash ${ROOT}/deploy/kafka/kafka.sh start`;
  execSync(stop, { stdio: 'pipe', timeout: 60_000 });
  if (await portOpen(brokers.split(',')[0]))
    throw new Error(
      `the broker at ${brokers} still answers after "${stop}": it is not managed by that command; set FAULT_KAFKA_STOP and FAULT_KAFKA_START`,
    );
  await sleep(downMs);
  execSync(start, { stdio: 'pipe', timeout: 120_000 });
}

const pgCluster = (action: 'stop' | 'start') =>
  `pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n 1)" main ${action}`;

/**
 * Stops PostgreSQL for `downMs` and starts it again (pg_ctlcluster, or FAULT_POSTGRES_STOP and
 * FAULT_POSTGRES_START): a real outage, longer than every loop's period.
 */
export async function stopPostgres(downMs: number, during?: () => Promise<void>): Promise<void> {
  const stop = process.env.FAULT_POSTGRES_STOP ?? pgCluster('stop');
  const start = process.env.FAULT_POSTGRES_START ?? pgCluster('start');
  execSync(stop, { stdio: 'pipe', timeout: 120_000, shell: '/bin/bash' });
  const until = Date.now() + downMs;
  try {
    await during?.();
    const left = until - Date.now();
    if (left > 0) await sleep(left);
  } finally {
    execSync(start, { stdio: 'pipe', timeout: 120_000, shell: '/bin/bash' });
  }
}

/** Restarts PostgreSQL (pg_ctlcluster, or FAULT_POSTGRES_RESTART): every connection is cut. */
export function restartPostgres(): void {
  const command =
    process.env.FAULT_POSTGRES_RESTART ??
    'pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n 1)" main restart';
  execSync(command, { stdio: 'pipe', timeout: 120_000, shell: '/bin/bash' });
}
