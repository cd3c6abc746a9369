import type { AccountingPeriod, TripletexCompanyClient } from '@pos-tripletex/tripletex';
import { Injectable } from '@nestjs/common';
import { addDays, osloToday } from '@pos-tripletex/platform';

/** The date a day's voucher is posted on, and why when it is not the business day. */
export interface PostingDate {
  date: string;
  /** The business day's accounting period is closed: the voucher goes to the first open date. */
  periodClosed: boolean;
}

/** How far ahead an open period is looked for (Tripletex keeps about a year of future periods). */
const LOOK_AHEAD_DAYS = 800;

/**
 * The period a date falls in: the one with the latest start on or before it (works whether
 * Tripletex's `end` is inclusive or exclusive).
 */
function periodOf(periods: AccountingPeriod[], date: string): AccountingPeriod | undefined {
  return periods
    .filter((period) => period.start !== undefined && period.start <= date)
    .sort((a, b) => ((a.start as string) < (b.start as string) ? 1 : -1))[0];
}

/** A company's accounting periods, read at most once a minute (a backfill asks for every day). */
const PERIODS_TTL_MS = 60_000;
/** How far back periods are read: older days are dated as if their period were open. */
const PERIODS_FROM = '2000-01-01';

/**
 * When a day's voucher is posted. A voucher for a business day is dated that day if its
 * accounting period is open; if the period is closed (`/ledger/accountingPeriod` `isClosed`), the
 * first open date after it – the start of the first open period that follows – and its
 * description names the business day it belongs to. Never a voucher in a closed period. A company
 * without periods in Tripletex posts on the day. Periods are read at most once a minute per
 * company; a period closed in between makes Tripletex refuse the post, the poster `forget`s the
 * company's periods and the day is tried again a minute later (DayExportService).
 */
@Injectable()
export class AccountingPeriods {
  private readonly cache = new Map<string, { at: number; periods: AccountingPeriod[] }>();

  async postingDate(
    client: TripletexCompanyClient,
    businessDay: string,
    today = osloToday(),
  ): Promise<PostingDate> {
    const periods = await this.of(client, today > businessDay ? today : businessDay);
    const own = periodOf(periods, businessDay);
    if (!own?.isClosed) return { date: businessDay, periodClosed: false };
    const open = periods
      .filter(
        (period) => !period.isClosed && period.start !== undefined && period.start > businessDay,
      )
      .sort((a, b) => ((a.start as string) < (b.start as string) ? -1 : 1))[0];
    if (!open?.start)
      throw new Error(
        `the accounting period of ${businessDay} is closed in Tripletex and no open period follows it`,
      );
    return { date: open.start, periodClosed: true };
  }

  /** Tripletex refused a post for a closed period: read the company's periods afresh next time. */
  forget(client: TripletexCompanyClient): void {
    this.cache.delete(client.credentials.key);
  }

  private async of(client: TripletexCompanyClient, today: string): Promise<AccountingPeriod[]> {
    const key = client.credentials.key;
    const hit = this.cache.get(key);
    if (hit && Date.now() - hit.at < PERIODS_TTL_MS) return hit.periods;
    const periods = await client.accountingPeriods(PERIODS_FROM, addDays(today, LOOK_AHEAD_DAYS));
    this.cache.set(key, { at: Date.now(), periods });
    return periods;
  }
}

/**
 * Does Tripletex's refusal say the period (or VAT term) is closed? Then the pass is tried again,
 * and the next plan dates the voucher in an open period. The wording of the real message is not
 * known from a log (an assumption: Norwegian or English, "periode"/"termin" with "lukket"/"låst"/
 * "closed"/"locked").
 */
export function isClosedPeriodRefusal(message: string): boolean {
  return /(periode|period|termin|term)[^.]*\b(lukket|stengt|låst|closed|locked)\b|\b(lukket|stengt|låst|closed|locked)\b[^.]*(periode|period|termin|term)/i.test(
    message,
  );
}
