import { Topics } from '@pos-tripletex/contracts';
import { eventually, MediumTest } from '@pos-tripletex/testing';
import { TOKEN_REJECTED_RETRY_MS } from '@pos-tripletex/tripletex';
import {
  activatedCompany,
  heldLease,
  outboxOf,
  startCustomerSync,
} from '../../test/support/in-process-sync';
import { FullSyncStatuses } from './entities/sync-state.entity';
import { SyncService } from './sync.service';

// SyncService in-process: real PostgreSQL, the broker and a Tripletex sandbox (pages of 10).

let medium: MediumTest;
let sync: SyncService;

beforeAll(async () => {
  medium = await startCustomerSync('customer_sync_sync');
  sync = medium.get(SyncService);
});

afterAll(async () => {
  await medium?.stop();
});

const mirrored = (companyId: string) =>
  medium.schema.query<{ name: string; is_inactive: boolean; version: number }>(
    'SELECT name, is_inactive, version FROM customers WHERE company_id = $1 AND deleted_at IS NULL ORDER BY name',
    [companyId],
  );

describe(SyncService.name, () => {
  it('mirrors every customer of the sandbox company in a full sync, active and inactive', async () => {
    const company = await activatedCompany(medium, { active: 25, inactive: 3 });

    await sync.fullSync(await company.state());

    const customers = await mirrored(company.companyId);
    expect(customers).toHaveLength(28);
    expect(
      customers.filter((customer) => customer.is_inactive).map((customer) => customer.name),
    ).toEqual(['Tidligere 0', 'Tidligere 1', 'Tidligere 2']);
    expect(await sync.status(company.companyId)).toMatchObject({
      customers: 28,
      // 3 pages of active customers (10, 10, 5), then 1 of inactive ones.
      fullSync: { status: FullSyncStatuses.DONE, generation: 1, pagesDone: 4, customersSynced: 28 },
    });
    const events = await outboxOf(medium, Topics.CustomersChangedV1, company.companyId);
    expect(events).toHaveLength(28);
  });

  it('picks up a change made in Tripletex in an incremental run', async () => {
    const company = await activatedCompany(medium, { active: 3 });
    await sync.fullSync(await company.state());
    const [, second] = await medium.schema.query<{ customer_id: string }>(
      'SELECT customer_id FROM customers WHERE company_id = $1 ORDER BY name',
      [company.companyId],
    );
    await medium.sandbox.operator(
      'PUT',
      `companies/${company.tripletex.companyId}/customers/${second.customer_id}`,
      { name: 'Endret Uten Varsel AS' },
    );

    expect(await sync.changedSince(await company.state())).toBe(1);

    expect((await mirrored(company.companyId)).map((customer) => customer.name)).toEqual([
      'Endret Uten Varsel AS',
      'Kunde 000',
      'Kunde 002',
    ]);
  });

  it('backs off for a refused token and tells onboarding (integration.tripletex-auth-failed.v1)', async () => {
    const company = await activatedCompany(medium, { active: 1 });
    await medium.sandbox.revokeEmployeeToken(company.tripletex.employeeToken);
    const before = Date.now();

    expect(await sync.takeTurn(company.companyId, heldLease)).toEqual({
      kind: 'subscribe',
      outcome: 'failed',
    });

    const state = await company.state();
    expect(state.failures).toBe(1);
    expect(state.retryAt!.getTime() - before).toBeGreaterThanOrEqual(TOKEN_REJECTED_RETRY_MS);
    await eventually(async () => {
      const [reported] = await outboxOf(medium, Topics.TripletexAuthFailedV1, company.companyId);
      expect(JSON.parse(reported.value!)).toMatchObject({
        companyId: company.companyId,
        service: 'customer-sync',
      });
      expect(reported.sent_at).not.toBeNull(); // on the broker
    });
  });

  it('backs off when a sync turn fails, keeping its place for the next turn', async () => {
    const company = await activatedCompany(medium, { active: 25 });
    expect(await sync.takeTurn(company.companyId, heldLease)).toEqual({
      kind: 'subscribe',
      outcome: 'ok',
    });
    await sync.fullSync(await company.state(), { pages: 1 });
    // Tripletex answers 503 to every attempt the client makes at the second page.
    await medium.sandbox.addFault({
      kind: 'status',
      status: 503,
      pathPrefix: '/customer',
      companyId: company.tripletex.companyId,
      count: 6,
    });
    const before = Date.now();

    expect(await sync.takeTurn(company.companyId, heldLease)).toEqual({
      kind: 'full',
      outcome: 'failed',
    });

    const state = await company.state();
    expect(state).toMatchObject({
      fullSyncStatus: FullSyncStatuses.FAILED,
      fullSyncPages: 1,
      fullSyncFrom: 10,
      failures: 1,
    });
    expect(state.lastError).toContain('503');
    // The first backoff: 2.5–5 s (the window doubles with each failure, up to an hour).
    const waitMs = state.retryAt!.getTime() - before;
    expect(waitMs).toBeGreaterThanOrEqual(2_500);
    expect(waitMs).toBeLessThanOrEqual(5_000 + (Date.now() - before));
  });
});
