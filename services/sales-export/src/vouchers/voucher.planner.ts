import { Injectable } from '@nestjs/common';
import { IntegrationConfigV1, UnmappedItemV1, VoucherKind } from '@pos-tripletex/contracts';
import {
  ACCOUNT_RULE_FIELDS,
  CompanyClients,
  TripletexCompanyClient,
  Voucher,
} from '@pos-tripletex/tripletex';
import type { DayKey } from '../days/day-key';
import { SalesExportErrors } from '../sales-export.errors';
import { DaySalesRepository, DaySnapshot } from './day-sales.repository';
import { addTotals, DayTotals, isZero } from './day-totals';
import { VoucherEntity, VoucherStatuses } from './entities/voucher.entity';
import { externalVoucherNumber } from './external-number';
import { AccountingPeriods, PostingDate } from './posting-date';
import {
  AccountInfo,
  accountIdsOf,
  buildVoucher,
  unmappedOf,
  VatTypeInfo,
  vatNumbersOf,
} from './voucher-builder';
import { inEffect, nextSeq, totalsOf, VouchersRepository } from './vouchers.repository';

/** The voucher a day needs now (what the preview shows and the export posts). */
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
  /** The date the voucher is posted on: the business day, or the first open date after it. */
  postingDate: PostingDate | null;
  voucher: Voucher | null;
}

const ACCOUNT_CACHE_MS = 10 * 60_000;

function description(
  kind: VoucherKind,
  key: DayKey,
  snapshot: DaySnapshot,
  posting: PostingDate,
): string {
  // Dated in a later, open period: the description names the business day it belongs to.
  const what = posting.periodClosed
    ? `POS-salg ${key.locationId} ${key.businessDay} (perioden er lukket, ført ${posting.date})`
    : `POS-salg ${key.locationId} ${key.businessDay}`;
  const receipts =
    snapshot.firstReceipt && snapshot.lastReceipt
      ? `kvittering ${snapshot.firstReceipt}–${snapshot.lastReceipt} (${snapshot.sales} salg)`
      : `${snapshot.sales} salg`;
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
 * Plans the voucher a day needs now: the difference between what the day's sales come to and what
 * the vouchers in effect already account for – the first voucher, a correction for late sales, or
 * after a re-export a new one – or what stops it (unmapped items, problems). Reads the day's sales
 * and vouchers and the company's accounts and VAT types in Tripletex; posts nothing (the preview
 * shows a plan exactly as the export would send it).
 */
@Injectable()
export class VoucherPlanner {
  private readonly accountCache = new Map<string, { at: number; account: AccountInfo }>();

  constructor(
    private readonly daySales: DaySalesRepository,
    private readonly vouchers: VouchersRepository,
    private readonly clients: CompanyClients,
    private readonly periods: AccountingPeriods,
  ) {}

  /** The company's Tripletex client from the sealed token in its settings. */
  client(config: IntegrationConfigV1): TripletexCompanyClient {
    return this.clients.forCompany(
      config.companyId,
      config.tripletex?.employeeToken,
      SalesExportErrors.noToken,
    );
  }

  /** The voucher the day needs now, built exactly as it would be sent. */
  async plan(
    key: DayKey,
    config: IntegrationConfigV1,
    client: TripletexCompanyClient,
  ): Promise<VoucherPlan> {
    const vouchers = await this.vouchers.ofDay(key);
    const snapshot = await this.daySales.snapshot(key);
    const effective = inEffect(vouchers);
    const difference = addTotals(snapshot.totals, totalsOf(effective), -1);
    const seq = nextSeq(vouchers);
    const plan: VoucherPlan = {
      snapshot,
      inEffect: effective,
      difference,
      kind: null,
      seq,
      externalNumber: null,
      unmapped: [],
      problems: [],
      postingDate: null,
      voucher: null,
    };
    if (isZero(difference)) return plan;
    plan.kind = effective.length
      ? 'CORRECTION'
      : vouchers.some(
            (voucher) => voucher.status === VoucherStatuses.POSTED && voucher.kind !== 'REVERSAL',
          )
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
    // The look-ups a company's first voucher makes (accounts, VAT types, the accounting period;
    // cached afterwards) go out together: one round trip of latency instead of four.
    const [accounts, vat, postingDate] = await Promise.all([
      this.accounts(client, key.companyId, accountIdsOf(difference, config.mappings)),
      this.vatTypes(client, vatNumbersOf(difference)),
      this.periods.postingDate(client, key.businessDay),
    ]);
    // A location's postings carry its department; an account that requires one stops the day
    // until the location is mapped (onboarding's locations step).
    const department = config.mappings.locations?.find(
      (location) => location.locationId === key.locationId,
    );
    if (!department && [...accounts.values()].some((account) => account.requiresDepartment)) {
      plan.unmapped = [{ kind: 'LOCATION', id: key.locationId }];
      return plan;
    }
    plan.postingDate = postingDate;
    const built = buildVoucher(
      {
        date: plan.postingDate.date,
        description: description(plan.kind, key, snapshot, plan.postingDate),
        externalVoucherNumber: plan.externalNumber,
        totals: difference,
        methods: snapshot.methods,
        mappings: config.mappings,
        departmentId: department?.departmentId,
      },
      accounts,
      vat,
    );
    if (built.ok) plan.voucher = built.voucher;
    else plan.problems = built.problems;
    return plan;
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
      for (const found of await client.accountsByIds(missing, ACCOUNT_RULE_FIELDS)) {
        if (found.id === undefined) continue;
        const account = found;
        this.accountCache.set(`${companyId}:${found.id}`, { at: now, account });
        out.set(found.id, account);
      }
    }
    return out;
  }

  private async vatTypes(
    client: TripletexCompanyClient,
    numbers: string[],
  ): Promise<Map<string, VatTypeInfo>> {
    const out = new Map<string, VatTypeInfo>();
    const found = await Promise.all(numbers.map((number) => client.outgoingVatType(number)));
    numbers.forEach((number, i) => {
      const vat = found[i];
      if (vat?.id !== undefined)
        out.set(number, {
          id: vat.id,
          number: vat.number ?? number,
          percentage: vat.percentage ?? 0,
        });
    });
    return out;
  }
}
