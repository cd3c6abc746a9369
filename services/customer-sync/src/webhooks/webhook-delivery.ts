import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header our subscriptions ask Tripletex to send, with the subscription's secret as value. */
export const WEBHOOK_AUTH_HEADER = 'x-pos-tripletex-webhook-secret';

/** The Tripletex events we subscribe to. */
export const CUSTOMER_EVENTS = ['customer.create', 'customer.update', 'customer.delete'] as const;
export type CustomerEvent = (typeof CUSTOMER_EVENTS)[number];

/** What Tripletex posts (with `fields: 'id,version'`). */
interface WebhookBody {
  subscriptionId?: unknown;
  event?: unknown;
  id?: unknown;
  value?: { version?: unknown } | null;
}

/** Tripletex's `x-request-signature`: HMAC-SHA512 (base64) over `idempotency-key&body`. */
export function webhookSignature(hmacSecret: string, idempotencyKey: string, rawBody: string) {
  return createHmac('sha512', hmacSecret).update(`${idempotencyKey}&${rawBody}`).digest('base64');
}

/** Constant-time comparison of a secret or signature given with the one expected. */
export function sameSecret(given: string | undefined, expected: string): boolean {
  if (!given) return false;
  const givenBytes = Buffer.from(given);
  const expectedBytes = Buffer.from(expected);
  return givenBytes.length === expectedBytes.length && timingSafeEqual(givenBytes, expectedBytes);
}

/** The customer event a delivery announces, if it is one of our subscriptions'; null otherwise. */
export function customerEventOf(
  body: unknown,
  subscriptionIds: Record<string, number>,
): { event: CustomerEvent; customerId: number } | null {
  const { event, id, subscriptionId } = (body ?? {}) as WebhookBody;
  if (
    !CUSTOMER_EVENTS.includes(event as CustomerEvent) ||
    typeof id !== 'number' ||
    !Object.values(subscriptionIds).includes(subscriptionId as number)
  )
    return null;
  return { event: event as CustomerEvent, customerId: id };
}
