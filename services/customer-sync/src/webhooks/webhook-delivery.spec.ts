import { createHmac } from 'node:crypto';
import { customerEventOf, refusalOf, sameSecret, webhookSignature } from './webhook-delivery';

describe('webhook delivery', () => {
  describe(webhookSignature.name, () => {
    it('is HMAC-SHA512 in base64 over the idempotency key, an ampersand and the exact body', () => {
      const body = '{"subscriptionId":7,"event":"customer.update","id":42}';
      expect(webhookSignature('shared-secret', 'key-1', body)).toBe(
        createHmac('sha512', 'shared-secret').update(`key-1&${body}`).digest('base64'),
      );
    });

    it('changes with the key, the body and the secret', () => {
      const signed = webhookSignature('shared-secret', 'key-1', '{}');
      expect(webhookSignature('shared-secret', 'key-2', '{}')).not.toBe(signed);
      expect(webhookSignature('shared-secret', 'key-1', '{ }')).not.toBe(signed);
      expect(webhookSignature('other-secret', 'key-1', '{}')).not.toBe(signed);
    });
  });

  describe(sameSecret.name, () => {
    it('accepts exactly the expected value', () => {
      expect(sameSecret('s3cret', 's3cret')).toBe(true);
    });

    it('refuses a missing, different or differently long value', () => {
      expect(sameSecret(undefined, 's3cret')).toBe(false);
      expect(sameSecret('', 's3cret')).toBe(false);
      expect(sameSecret('s3creT', 's3cret')).toBe(false);
      expect(sameSecret('s3cret!', 's3cret')).toBe(false);
    });
  });

  describe(customerEventOf.name, () => {
    const ours = { 'customer.create': 1, 'customer.update': 2, 'customer.delete': 3 };

    it('reads the event and the customer of one of our subscriptions', () => {
      expect(
        customerEventOf({ subscriptionId: 2, event: 'customer.update', id: 42 }, ours),
      ).toEqual({ event: 'customer.update', customerId: 42 });
      expect(
        customerEventOf({ subscriptionId: 3, event: 'customer.delete', id: 42 }, ours),
      ).toEqual({ event: 'customer.delete', customerId: 42 });
    });

    it('refuses other events, missing ids, other subscriptions and another event’s subscription', () => {
      expect(
        customerEventOf({ subscriptionId: 3, event: 'customer.update', id: 42 }, ours),
      ).toBeNull();
      expect(
        customerEventOf({ subscriptionId: 2, event: 'product.update', id: 42 }, ours),
      ).toBeNull();
      expect(
        customerEventOf({ subscriptionId: 2, event: 'customer.update', id: '42' }, ours),
      ).toBeNull();
      expect(
        customerEventOf({ subscriptionId: 9, event: 'customer.update', id: 42 }, ours),
      ).toBeNull();
      expect(customerEventOf(null, ours)).toBeNull();
    });
  });

  describe(refusalOf.name, () => {
    const expected = {
      secret: 'header-secret',
      hmacSecret: 'hmac-secret',
      subscriptionIds: { 'customer.create': 11, 'customer.update': 12, 'customer.delete': 13 },
    };
    const body = { subscriptionId: 12, event: 'customer.update', id: 42, value: null };
    const rawBody = JSON.stringify(body);
    const valid = {
      secret: 'header-secret',
      idempotencyKey: 'key-1',
      signature: webhookSignature('hmac-secret', 'key-1', rawBody),
      rawBody,
      body,
    };

    it('accepts a delivery of a current subscription with our secret and its signature', () => {
      expect(refusalOf(valid, expected)).toBeNull();
    });

    it('says why anything else is refused, never with a secret or signature in the words', () => {
      const reasons = [
        refusalOf({ ...valid, secret: undefined }, expected),
        refusalOf({ ...valid, secret: 'guess' }, expected),
        refusalOf({ ...valid, idempotencyKey: undefined }, expected),
        refusalOf({ ...valid, signature: undefined }, expected),
        refusalOf({ ...valid, signature: webhookSignature('other', 'key-1', rawBody) }, expected),
        // Signed for another key than the one that came: a replay cannot choose a new key.
        refusalOf({ ...valid, idempotencyKey: 'key-2' }, expected),
      ];
      expect(reasons).toEqual([
        'no secret header',
        'wrong secret header',
        'no idempotency-key header',
        'no x-request-signature header',
        'bad signature',
        'bad signature',
      ]);
    });

    it('refuses an authentic delivery of a subscription the company no longer has (old or replayed)', () => {
      const old = { ...body, subscriptionId: 7 };
      const oldRaw = JSON.stringify(old);
      const reason = refusalOf(
        {
          ...valid,
          body: old,
          rawBody: oldRaw,
          signature: webhookSignature('hmac-secret', 'key-1', oldRaw),
        },
        expected,
      );
      expect(reason).toContain('subscription 7 is not one of the company');
      expect(reason).not.toContain('hmac-secret');
      expect(refusalOf(valid, { ...expected, subscriptionIds: {} })).toContain('(none)');
    });
  });
});
