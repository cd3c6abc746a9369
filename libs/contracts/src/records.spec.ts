import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CheckoutCompletedInput, ContractViolationError, eventRecord, Topics } from './index';

const fixture = (name: string): CheckoutCompletedInput =>
  JSON.parse(
    readFileSync(join(__dirname, '../fixtures/checkout-completed.v1', name), 'utf8'),
  ) as CheckoutCompletedInput;

describe('eventRecord', () => {
  it('keys a checkout by its companyId, keeps the JSON as written and sets the correlation id', () => {
    const checkout = fixture('valid/sale-card-eatin.json');
    const record = eventRecord(Topics.CheckoutCompletedV1, checkout, { correlationId: 'till-7' });
    expect(record).toEqual({
      key: checkout.companyId,
      value: JSON.stringify(checkout),
      headers: { 'correlation-id': 'till-7' },
    });
  });

  it('refuses a checkout the services would refuse, with every problem', () => {
    const unbalanced = fixture('invalid/unbalanced.json');
    let error: unknown;
    try {
      eventRecord(Topics.CheckoutCompletedV1, unbalanced);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ContractViolationError);
    expect((error as ContractViolationError).problems.map((p) => p.code)).toContain('UNBALANCED');
    expect((error as Error).message).toMatch(/pos\.checkout\.completed\.v1: payments: /);
  });

  it('keys a customer by companyId:customerId', () => {
    const record = eventRecord(Topics.CustomersChangedV1, {
      eventId: '5f0c3c55-8f0e-4a43-9c1e-0d9a4f7f6b11',
      schemaVersion: 1,
      companyId: 'rest-1',
      customerId: 42,
      name: 'Kafé AS',
      isInactive: false,
      pickable: true,
      version: 3,
      changedAt: '2026-11-24T18:42:10+01:00',
    });
    expect(record.key).toBe('rest-1:42');
  });
});
