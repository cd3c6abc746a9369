import type { AccountingPeriod, TripletexCompanyClient } from '@pos-tripletex/tripletex';
import { addDays } from '@pos-tripletex/platform';

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

/**
 * A voucher for a business day is dated that day if its accounting period is open; if the period
 * is closed (`/ledger/accountingPeriod` `isClosed`), the first open date after it – the start of
 * the first open period that follows – and its description names the business day it belongs to.
 * Never a voucher in a closed period. A company without periods in Tripletex posts on the day.
 */
export async function postingDateFor(
  client: TripletexCompanyClient,
  businessDay: string,
  today: string,
): Promise<PostingDate> {
  const until = addDays(today > businessDay ? today : businessDay, LOOK_AHEAD_DAYS);
  const periods = await client.accountingPeriods(businessDay, until);
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
