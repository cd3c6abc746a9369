import { SecretBindings } from '@pos-tripletex/platform';
import { join } from 'node:path';
import { deadLetterTopic, Topics } from '@pos-tripletex/contracts';
import {
  aMinimalConfig,
  anIntegrationConfig,
  Collector,
  describeFlow,
  eventually,
  Flow,
  hostileRecords,
  notDeadLettered,
  publishInterleaved,
  SandboxCompany,
  uniqueName,
} from '@pos-tripletex/testing';
import { createDataSource } from '../src/database/setup';

// customer-sync under hostile settings records and a noisy neighbour: one instance that may work
// on one company at a time, so only taking turns can keep a slow company from holding up another.

describeFlow(
  'customer-sync under hostile settings and a noisy neighbour',
  {
    mainJs: join(__dirname, '../dist/main.js'),
    createDataSource,
    schema: 'customer_sync_robust',
    env: (port) => ({
      WEBHOOK_PUBLIC_URL: `http://127.0.0.1:${port}`,
      SYNC_PAGE_SIZE: '10',
      SYNC_PAGES_PER_TURN: '2',
      SYNC_CONCURRENCY: '1',
      SYNC_POLL_SECONDS: '1',
      WEBHOOK_SETTLE_MS: '100',
      KAFKA_HANDLER_MAX_ATTEMPTS: '3',
    }),
  },
  (flow: () => Flow) => {
    let events: Collector;

    beforeAll(async () => {
      const { sut } = flow();
      // Earlier tests' records on the shared topics are read first; our deadlines start after.
      await sut.caughtUp({ [Topics.IntegrationConfigV1]: [sut.env.KAFKA_GROUP_ID] });
      events = await sut.kafka.collect([deadLetterTopic(Topics.IntegrationConfigV1)]);
    }, 600_000); // catching up with a shared broker's history may take a while

    async function seeded(
      customers: number,
    ): Promise<{ companyId: string; company: SandboxCompany }> {
      const companyId = uniqueName('robust_co');
      const company = await flow().sut.sandbox.createCompany({ name: `Kunder ${companyId}` });
      await flow().sut.sandbox.addCustomers(
        company.companyId,
        Array.from({ length: customers }, (_, n) => ({
          name: `Kunde ${String(n).padStart(4, '0')}`,
        })),
      );
      return { companyId, company };
    }

    const configOf = (companyId: string, company: SandboxCompany) =>
      anIntegrationConfig({
        companyId,
        version: 1,
        tripletexCompanyId: company.companyId,
        employeeToken: flow().sut.box.seal(
          company.employeeToken,
          SecretBindings.tripletexToken(companyId),
        ),
        startDate: '2026-11-01',
        mappings: { paymentMethods: [], productGroups: [], otherEvents: [] },
      });

    async function syncStatus(companyId: string) {
      const answer = await flow().api<{ fullSync?: { status: string; customers?: number } }>(
        companyId,
        'GET',
        `/v1/companies/${companyId}/customers/sync-status`,
      );
      return answer.body;
    }

    it('dead-letters every hostile settings record and still syncs the companies around them', async () => {
      const [first, second] = [await seeded(25), await seeded(15)];
      const hostile = hostileRecords(Topics.IntegrationConfigV1, aMinimalConfig(first.companyId), {
        compacted: true,
      });
      await publishInterleaved(flow().sut.kafka, Topics.IntegrationConfigV1, hostile, [
        { key: first.companyId, value: configOf(first.companyId, first.company) },
        { key: second.companyId, value: configOf(second.companyId, second.company) },
      ]);
      await eventually(
        async () => {
          expect((await syncStatus(first.companyId)).fullSync).toMatchObject({ status: 'DONE' });
          expect((await syncStatus(second.companyId)).fullSync).toMatchObject({ status: 'DONE' });
        },
        { timeoutMs: 60_000 },
      );
      await eventually(
        () =>
          expect(
            notDeadLettered(
              events.messages,
              deadLetterTopic(Topics.IntegrationConfigV1),
              flow().sut.env.KAFKA_GROUP_ID,
              hostile,
            ),
          ).toEqual([]),
        { timeoutMs: 60_000 },
      );
      const [{ count }] = await flow().sut.schema.query<{ count: string }>(
        'SELECT count(*) FROM customers WHERE company_id = ANY($1)',
        [[first.companyId, second.companyId]],
      );
      expect(Number(count)).toBe(40);
      expect((await fetch(`${flow().sut.url}/ready`)).status).toBe(200);
    }, 180_000);

    it('syncs a newly activated company while one with a slow Tripletex and many customers takes turns', async () => {
      const slow = await seeded(400); // 40 pages of 10
      await flow().sut.sandbox.setControls({
        companyLatency: [{ companyId: slow.company.companyId, latencyMs: 500 }],
      });
      try {
        await flow().sut.kafka.produce(Topics.IntegrationConfigV1, [
          { key: slow.companyId, value: configOf(slow.companyId, slow.company) },
        ]);
        await eventually(
          async () => expect((await syncStatus(slow.companyId)).fullSync?.status).toBe('RUNNING'),
          { timeoutMs: 30_000 },
        );
        const quick = await seeded(12);
        const activatedAt = Date.now();
        await flow().sut.kafka.produce(Topics.IntegrationConfigV1, [
          { key: quick.companyId, value: configOf(quick.companyId, quick.company) },
        ]);
        await eventually(
          async () => expect((await syncStatus(quick.companyId)).fullSync?.status).toBe('DONE'),
          { timeoutMs: 60_000, intervalMs: 100 },
        );
        const tookMs = Date.now() - activatedAt;
        const slowState = await syncStatus(slow.companyId);
        console.log(
          `[fairness] customer-sync: the new company was synced in ${tookMs} ms while the slow one was ${JSON.stringify(slowState.fullSync)}`,
        );
        // One worker slot, and still served before the slow company's 40 pages were through.
        expect(slowState.fullSync?.status).toBe('RUNNING');
      } finally {
        await flow().sut.sandbox.setControls({
          companyLatency: [{ companyId: slow.company.companyId, latencyMs: 0 }],
        });
      }
    }, 180_000);
  },
);
