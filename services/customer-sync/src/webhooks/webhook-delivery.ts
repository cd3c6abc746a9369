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

/** What an authentic delivery to a company must match: its current subscriptions and secrets. */
export interface ExpectedDelivery {
  /** Our secret header's value. */
  secret: string;
  hmacSecret: string;
  /** The company's current subscriptions, by event. */
  subscriptionIds: Record<string, number>;
}

/** A call as it came in: the headers that authenticate it and the exact body. */
export interface DeliveryCall {
  secret?: string;
  signature?: string;
  idempotencyKey?: string;
  rawBody: string;
  body: unknown;
}

/**
 * Why a call is not an authentic delivery of one of the company's current subscriptions (null:
 * it is), for the log – never a secret or a signature. Our secret header and the HMAC signature
 * over `idempotency-key&body` must match; and the body must name a subscription the company has
 * now, so a delivery of an earlier subscription (before a re-subscription, or replayed from
 * then) is refused although Tripletex signed it.
 */
export function refusalOf(call: DeliveryCall, expected: ExpectedDelivery): string | null {
  if (!sameSecret(call.secret, expected.secret))
    return call.secret ? 'wrong secret header' : 'no secret header';
  if (!call.idempotencyKey) return 'no idempotency-key header';
  if (
    !sameSecret(
      call.signature,
      webhookSignature(expected.hmacSecret, call.idempotencyKey, call.rawBody),
    )
  )
    return call.signature ? 'bad signature' : 'no x-request-signature header';
  const { subscriptionId } = (call.body ?? {}) as WebhookBody;
  if (!Object.values(expected.subscriptionIds).includes(subscriptionId as number))
    return `subscription ${String(subscriptionId)} is not one of the company's current subscriptions (${Object.values(expected.subscriptionIds).join(', ') || 'none'}): an old or replayed delivery`;
  return null;
}

/** The customer event a delivery announces, if its subscription is ours for that event; else null. */
export function customerEventOf(
  body: unknown,
  subscriptionIds: Record<string, number>,
): { event: CustomerEvent; customerId: number } | null {
  const { event, id, subscriptionId } = (body ?? {}) as WebhookBody;
  if (
    !CUSTOMER_EVENTS.includes(event as CustomerEvent) ||
    typeof id !== 'number' ||
    subscriptionIds[event as CustomerEvent] !== subscriptionId
  )
    return null;
  return { event: event as CustomerEvent, customerId: id };
}
