import { EventsByTopic, ParseableTopic, parseEvent } from '@pos-tripletex/contracts';
import { SandboxCompany, TestSandbox } from '@pos-tripletex/testing';

// Test data shared by the medium specs (src/**/*.medium-spec.ts) and the flow suite.

/** The accounts of the sandbox's chart the tests map to. */
const ACCOUNT_NUMBERS = [1579, 1900, 1909, 2910, 2960, 3000, 3001, 3100, 3200, 7740];

/** Account number → the account's id in this sandbox company. */
export function accountIds(
  sandbox: TestSandbox,
  company: SandboxCompany,
): Promise<Record<number, number>> {
  return sandbox.accountIds(company, ACCOUNT_NUMBERS);
}

/**
 * The account mappings as onboarding writes them: cash on 1900, card and Vipps on 1579 (Vipps
 * left out with `vipps: false`), food eat-in on 3000 (25 %) and takeaway on 3001 (15 %),
 * newspapers eat-in on 3100 (0 %, zero-rated) and deposits takeaway on 3200 (0 %, outside the VAT
 * law), tips on 2910, rounding on 7740, gift cards sold on 2960, cash difference on 1909.
 */
export function mappings(ids: Record<number, number>, options: { vipps?: boolean } = {}) {
  const account = (number: number) => ({ accountId: ids[number], accountNumber: number });
  return {
    paymentMethods: [
      { paymentMethodId: 'cash', ...account(1900) },
      { paymentMethodId: 'card', ...account(1579) },
      ...(options.vipps === false ? [] : [{ paymentMethodId: 'vipps', ...account(1579) }]),
    ],
    productGroups: [
      { productGroupId: 'food', takeaway: false, vatRate: 25, ...account(3000) },
      { productGroupId: 'food', takeaway: true, vatRate: 15, ...account(3001) },
      { productGroupId: 'newspapers', takeaway: false, vatRate: 0, ...account(3100) },
      { productGroupId: 'deposits', takeaway: true, vatRate: 0, ...account(3200) },
    ],
    otherEvents: [
      { event: 'TIPS', ...account(2910) },
      { event: 'ROUNDING', ...account(7740) },
      { event: 'GIFT_CARDS_SOLD', ...account(2960) },
      { event: 'CASH_DIFFERENCE', ...account(1909) },
    ],
  };
}

/** A checkout paid with several payment methods (aCheckout pays with one). */
export function paidWith(
  checkout: Record<string, unknown>,
  payments: [paymentMethodId: string, method: string, amount: number][],
): Record<string, unknown> {
  return {
    ...checkout,
    payments: payments.map(([paymentMethodId, method, amount]) => ({
      paymentMethodId,
      method,
      amount,
    })),
  };
}

/** A record as its consumer gets it: parsed by the contract (a test record must be valid). */
export function parsed<K extends ParseableTopic>(
  topic: K,
  record: Record<string, unknown>,
): EventsByTopic[K] {
  const result = parseEvent(topic, JSON.stringify(record));
  if (!result.ok) throw new Error(`invalid ${topic}: ${JSON.stringify(result.problems)}`);
  return result.event;
}
