import { Injectable, Logger } from '@nestjs/common';
import { CompanySettingsService } from '@pos-tripletex/company-settings';
import { IntegrationConfigV1, UnmappedItemV1, VoucherKind } from '@pos-tripletex/contracts';
import { AppError, counter, describeError, TestFaults } from '@pos-tripletex/platform';
import {
  CompanyClients,
  OUTGOING_VAT_NUMBER_BY_RATE,
  TripletexCompanyClient,
  TripletexError,
  Voucher,
  classifyFailure,
} from '@pos-tripletex/tripletex';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { DayKey, DaySnapshot, DayStore, inEffect, totalsOf } from './day-sales.repository';
import { addTotals, DayTotals, isZero, negateTotals, paymentsTotal } from './day-totals';
import { DayEntity } from '../days/entities/day.entity';
import { VoucherEntity } from './entities/voucher.entity';
import { externalVoucherNumber } from './external-number';
import {
  AccountInfo,
  accountIdsOf,
  buildVoucher,
  describeUnmapped,
  unmappedOf,
  VatTypeInfo,
  vatRatesOf,
} from './voucher-builder';

const vouchersMade = counter({
  name: 'pos_sales_export_vouchers_total',
  help: 'Vouchers put into Tripletex (or found there after a crash), by kind',
  labelNames: ['kind'] as const,
});

/** The worker's hold on the day: throws when it is gone (see HeldLease). */
export interface LeaseCheck {
  throwIfLost(): void;
}

/** What an export pass came to for a day. */
export type DayOutcome =
  | {
      status: 'POSTED' | 'NOTHING_TO_POST';
      revision: number;
      postedGross: number;
      voucher?: VoucherEntity;
      reexportSeen: Date | null;
    }
  | { status: 'UNMAPPED'; unmapped: UnmappedItemV1[]; reason: string }
  | { status: 'FAILED'; code: string; reason: string }
  | { status: 'RETRY'; afterMs: number; error: string; unauthorized?: boolean };

/** The voucher a day needs now (what `preview` shows and `export` posts). */
export interface VoucherPlan {
  snapshot: DaySnapshot;
  inEffect: VoucherEntity[];
  /** Sales now minus vouchers in effect. */
  difference: DayTotals;
  /** null: nothing to post. */
  kind: VoucherKind | null;
  seq: number;
  externalNumber: string | null;
  unmapped: UnmappedItemV1[];
  problems: string[];
  voucher: Voucher | null;
}

const ACCOUNT_FIELDS = 'id,number,name,isInactive,vatLocked,vatType(id,number,percentage)';
const ACCOUNT_CACHE_MS = 10 * 60_000;

function description(kind: VoucherKind, key: DayKey, s: DaySnapshot): string {
  const what = `POS-salg ${key.locationId} ${key.businessDay}`;
  const receipts =
    s.firstReceipt && s.lastReceipt
      ? `kvittering ${s.firstReceipt}–${s.lastReceipt} (${s.sales} salg)`
      : `${s.sales} salg`;
  switch (kind) {
    case 'CORRECTION':
      return `Korreksjon ${what}: etterregistrerte salg, nå ${receipts}`.slice(0, 255);
    case 'REPOST':
      return `Ny eksport ${what}: ${receipts}`.slice(0, 255);
    default:
      return `${what}: ${receipts}`.slice(0, 255);
  }
}

/**
 * Exports one claimed day. Vouchers are recorded (PENDING, with their exact body) before Tripletex
 * is called; any later pass first finishes them, looking each up by its external number (a
 * reversal: on the reversed voucher) so a crash between Tripletex's answer and our commit never
 * posts twice. Then, on a re-export request, it reverses the vouchers in effect; then it posts the
 * difference between the day's sales and the vouchers in effect: the first voucher, a correction
 * for late sales, or a new voucher after a re-export.
 */
@Injectable()
export class DayExporter {
  private readonly logger = new Logger(DayExporter.name);
  private readonly accountCache = new Map<string, { at: number; account: AccountInfo }>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: DayStore,
    private readonly settings: CompanySettingsService,
    private readonly clients: CompanyClients,
    private readonly faults: TestFaults,
  ) {}

  client(config: IntegrationConfigV1): TripletexCompanyClient {
    return this.clients.forCompany(
      config.companyId,
      config.tripletex?.employeeToken,
      () => new AppError('SALES_EXPORT.NO_TOKEN', 'no Tripletex token in the integration settings'),
    );
  }

  /**
   * `lease` (the worker's hold on the day) is checked right before every voucher call: a worker
   * that lost the day gives up without posting.
   */
  async export(key: DayKey, lease?: LeaseCheck): Promise<DayOutcome> {
    const config = await this.settings.get(key.companyId);
    if (!config || config.status !== 'ACTIVE')
      return { status: 'RETRY', afterMs: 60_000, error: 'the integration is not active' };
    try {
      const client = this.client(config);
      // The voucher this pass put (or found) in Tripletex, for the status event.
      let latest: VoucherEntity | undefined;
      for (const v of (await this.store.vouchers(key)).filter((x) => x.status === 'PENDING')) {
        const done = await this.complete(client, v, lease);
        if (done.kind !== 'REVERSAL') latest = done;
      }
      const day = await this.dataSource.getRepository(DayEntity).findOneByOrFail({ ...key });
      const reexportSeen = day.reexportRequestedAt;
      if (reexportSeen) {
        for (const v of inEffect(await this.store.vouchers(key))) {
          await this.complete(client, await this.recordReversal(key, v), lease);
        }
      }
      const plan = await this.plan(key, config, client);
      if (plan.kind === null) {
        return {
          status: plan.inEffect.length ? 'POSTED' : 'NOTHING_TO_POST',
          revision: plan.snapshot.revision,
          postedGross: paymentsTotal(totalsOf(plan.inEffect)),
          voucher: latest,
          reexportSeen,
        };
      }
      if (plan.unmapped.length) {
        return {
          status: 'UNMAPPED',
          unmapped: plan.unmapped,
          reason: `No account is mapped for ${describeUnmapped(plan.unmapped)}: map it in the Tripletex integration settings and the day is exported.`,
        };
      }
      if (!plan.voucher) {
        return {
          status: 'FAILED',
          code: 'SALES_EXPORT.INVALID_VOUCHER',
          reason: `The voucher cannot be made: ${plan.problems.join('; ')}`,
        };
      }
      const row = await this.record(key, plan, config);
      const posted = await this.complete(client, row, lease);
      return {
        status: 'POSTED',
        revision: plan.snapshot.revision,
        postedGross: paymentsTotal(totalsOf(inEffect(await this.store.vouchers(key)))),
        voucher: posted,
        reexportSeen,
      };
    } catch (error) {
      return this.classify(error);
    }
  }

  /** The voucher the day needs now; with a client it is built exactly as it would be sent. */
  async plan(
    key: DayKey,
    config: IntegrationConfigV1,
    client: TripletexCompanyClient,
  ): Promise<VoucherPlan> {
    const vouchers = await this.store.vouchers(key);
    const snapshot = await this.store.snapshot(key);
    const effective = inEffect(vouchers);
    const difference = addTotals(snapshot.totals, totalsOf(effective), -1);
    const seq = vouchers.reduce((max, v) => Math.max(max, v.seq + 1), 0);
    const plan: VoucherPlan = {
      snapshot,
      inEffect: effective,
      difference,
      kind: null,
      seq,
      externalNumber: null,
      unmapped: [],
      problems: [],
      voucher: null,
    };
    if (isZero(difference)) return plan;
    plan.kind = effective.length
      ? 'CORRECTION'
      : vouchers.some((v) => v.status === 'POSTED' && v.kind !== 'REVERSAL')
        ? 'REPOST'
        : 'ORIGINAL';
    plan.externalNumber = externalVoucherNumber(
      key.companyId,
      key.locationId,
      key.businessDay,
      seq,
    );
    plan.unmapped = unmappedOf(difference, config.mappings);
    if (plan.unmapped.length) return plan;
    const accounts = await this.accounts(
      client,
      key.companyId,
      accountIdsOf(difference, config.mappings),
    );
    const vat = await this.vatTypes(client, vatRatesOf(difference));
    const built = buildVoucher(
      {
        date: key.businessDay,
        description: description(plan.kind, key, snapshot),
        externalVoucherNumber: plan.externalNumber,
        totals: difference,
        methods: snapshot.methods,
        mappings: config.mappings,
      },
      accounts,
      vat,
    );
    if (built.ok) plan.voucher = built.voucher;
    else plan.problems = built.problems;
    return plan;
  }

  private async record(
    key: DayKey,
    plan: VoucherPlan,
    config: IntegrationConfigV1,
  ): Promise<VoucherEntity> {
    const repo = this.dataSource.getRepository(VoucherEntity);
    const row = repo.create({
      id: randomUUID(),
      ...key,
      seq: plan.seq,
      kind: plan.kind as VoucherKind,
      status: 'PENDING',
      externalNumber: plan.externalNumber as string,
      reversesId: null,
      reversedById: null,
      totals: plan.difference,
      body: plan.voucher,
      dayRevision: plan.snapshot.revision,
      sendToLedger: config.salesExport?.sendToLedger ?? true,
      tripletexId: null,
      tripletexNumber: null,
      tripletexYear: null,
      attempts: 0,
      lastError: null,
      createdAt: new Date(),
      postedAt: null,
    });
    await repo.insert(row);
    return row;
  }

  private async recordReversal(key: DayKey, original: VoucherEntity): Promise<VoucherEntity> {
    const repo = this.dataSource.getRepository(VoucherEntity);
    const seq = (await this.store.vouchers(key)).reduce((max, v) => Math.max(max, v.seq + 1), 0);
    const row = repo.create({
      id: randomUUID(),
      ...key,
      seq,
      kind: 'REVERSAL',
      status: 'PENDING',
      externalNumber: externalVoucherNumber(key.companyId, key.locationId, key.businessDay, seq),
      reversesId: original.id,
      reversedById: null,
      totals: negateTotals(original.totals),
      body: null,
      dayRevision: original.dayRevision,
      sendToLedger: true,
      tripletexId: null,
      tripletexNumber: null,
      tripletexYear: null,
      attempts: 0,
      lastError: null,
      createdAt: new Date(),
      postedAt: null,
    });
    await repo.insert(row);
    this.logger.log(
      { ...key, voucher: original.tripletexId },
      `re-export: reversing voucher ${original.tripletexNumber ?? original.tripletexId} (${original.externalNumber})`,
    );
    return row;
  }

  /** Puts a recorded voucher into Tripletex unless it is there already, and records the result. */
  private async complete(
    client: TripletexCompanyClient,
    v: VoucherEntity,
    lease?: LeaseCheck,
  ): Promise<VoucherEntity> {
    const repo = this.dataSource.getRepository(VoucherEntity);
    await repo.update({ id: v.id }, { attempts: v.attempts + 1 });
    let result: Voucher;
    try {
      if (v.kind === 'REVERSAL') {
        const original = await repo.findOneByOrFail({ id: v.reversesId as string });
        const current = await client.getVoucher(
          original.tripletexId as number,
          'id,reverseVoucher(id,number,year,tempNumber)',
        );
        if (current.reverseVoucher?.id) result = current.reverseVoucher;
        else {
          lease?.throwIfLost();
          result = await client.reverseVoucher(original.tripletexId as number, v.businessDay);
        }
      } else {
        const [found] = await client.findVouchersByExternalNumber(
          v.externalNumber,
          'id,number,year,tempNumber',
        );
        if (found) result = found;
        else {
          lease?.throwIfLost();
          result = await client.postVoucher(v.body as Voucher, { sendToLedger: v.sendToLedger });
        }
      }
    } catch (error) {
      if (error instanceof TripletexError && !error.retriable && !error.outcomeUnknown) {
        // Tripletex refused it, so it does not exist there: the next pass plans afresh.
        await repo.update({ id: v.id }, { status: 'ABANDONED', lastError: describeError(error) });
      }
      throw error;
    }
    // The exactly-once fault test dies here: Tripletex has the voucher, we have not recorded it.
    this.faults.afterTripletexCall();
    const posted: Partial<VoucherEntity> = {
      status: 'POSTED',
      tripletexId: result.id ?? null,
      tripletexNumber: result.number ? result.number : null,
      tripletexYear: result.year ?? null,
      postedAt: new Date(),
      lastError: null,
    };
    vouchersMade.inc({ kind: v.kind });
    await this.dataSource.transaction(async (tx) => {
      await tx.getRepository(VoucherEntity).update({ id: v.id, status: 'PENDING' }, posted);
      if (v.reversesId)
        await tx.getRepository(VoucherEntity).update({ id: v.reversesId }, { reversedById: v.id });
    });
    this.logger.log(
      {
        companyId: v.companyId,
        locationId: v.locationId,
        businessDay: v.businessDay,
        kind: v.kind,
        voucher: result.id,
        externalNumber: v.externalNumber,
      },
      `${v.kind.toLowerCase()} voucher ${result.number || `(awaiting approval, id ${result.id})`} for ${v.locationId} ${v.businessDay}`,
    );
    return { ...v, ...posted };
  }

  private async accounts(
    client: TripletexCompanyClient,
    companyId: string,
    ids: number[],
  ): Promise<Map<number, AccountInfo>> {
    const now = Date.now();
    const out = new Map<number, AccountInfo>();
    const missing: number[] = [];
    for (const id of ids) {
      const hit = this.accountCache.get(`${companyId}:${id}`);
      if (hit && now - hit.at < ACCOUNT_CACHE_MS) out.set(id, hit.account);
      else missing.push(id);
    }
    if (missing.length) {
      for (const a of await client.accountsByIds(missing, ACCOUNT_FIELDS)) {
        if (a.id === undefined) continue;
        const account = a as AccountInfo;
        this.accountCache.set(`${companyId}:${a.id}`, { at: now, account });
        out.set(a.id, account);
      }
    }
    return out;
  }

  private async vatTypes(
    client: TripletexCompanyClient,
    rates: number[],
  ): Promise<Map<number, VatTypeInfo>> {
    const out = new Map<number, VatTypeInfo>();
    for (const rate of rates) {
      const number = OUTGOING_VAT_NUMBER_BY_RATE[rate];
      const vat = number ? await client.outgoingVatType(number) : undefined;
      if (vat?.id !== undefined)
        out.set(rate, {
          id: vat.id,
          number: vat.number ?? number,
          percentage: vat.percentage ?? rate,
        });
    }
    return out;
  }

  /** Tripletex's classification (libs/tripletex) in this service's words. */
  private classify(error: unknown): DayOutcome {
    const failure = classifyFailure(error);
    switch (failure.kind) {
      case 'retry':
        return { status: 'RETRY', afterMs: failure.afterMs, error: failure.message };
      case 'token-rejected':
        return {
          status: 'RETRY',
          afterMs: failure.afterMs,
          error: failure.message,
          unauthorized: true,
        };
      case 'final':
        if (failure.refusal === 'app')
          return { status: 'FAILED', code: failure.code, reason: failure.message };
        if (failure.refusal === 'forbidden')
          return {
            status: 'FAILED',
            code: 'SALES_EXPORT.MISSING_ACCESS',
            reason: `Tripletex refused access (the employee behind the token needs voucher access): ${failure.message}`,
          };
        return {
          status: 'FAILED',
          code: 'SALES_EXPORT.TRIPLETEX_REJECTED',
          reason: `Tripletex: ${failure.message}`,
        };
    }
  }
}
