import { createHmac } from 'node:crypto';
import { customerEventOf, sameSecret, webhookSignature } from './webhook-delivery';

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

    it('refuses other events, missing ids and other subscriptions', () => {
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
});
