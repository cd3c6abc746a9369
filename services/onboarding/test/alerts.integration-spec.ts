import { join } from 'node:path';
import { deadLetterTopic, Topics } from '@pos-tripletex/contracts';
import {
  anAlert,
  backOfficeJwt,
  Collector,
  describeFlow,
  eventually,
  hostileRecords,
  notDeadLettered,
  publishInterleaved,
  uniqueName,
} from '@pos-tripletex/testing';
import { createDataSource } from '../src/database/setup';

// onboarding keeps integration.alerts.v1 per company and lists it over HTTP: through the real
// broker (its own consumer, the Inbox) and the real database, as its own process.

const at = (minutes: number) => new Date(Date.UTC(2026, 10, 25, 4, minutes)).toISOString();

describeFlow(
  'onboarding keeps and lists alerts',
  {
    mainJs: join(__dirname, '../dist/main.js'),
    createDataSource,
    schema: 'onboarding_alerts',
    env: () => ({ KAFKA_HANDLER_MAX_ATTEMPTS: '3', REVERIFY_POLL_SECONDS: '3600' }),
  },
  (flow) => {
    let events: Collector;

    beforeAll(async () => {
      const { sut } = flow();
      await sut.caughtUp({ [Topics.AlertsV1]: [sut.env.KAFKA_GROUP_ID] });
      events = await sut.kafka.collect([deadLetterTopic(Topics.AlertsV1)]);
    }, 600_000);

    afterAll(async () => {
      await events?.stop();
    });

    const publish = (...alerts: Record<string, unknown>[]) =>
      flow().sut.kafka.produce(
        Topics.AlertsV1,
        alerts.map((value) => ({ key: value.companyId as string, value })),
      );
    const alerts = (companyId: string, state?: string) =>
      flow().api(
        companyId,
        'GET',
        `/v1/companies/${companyId}/alerts${state ? `?state=${state}` : ''}`,
      );

    it('keeps one alert per cause: repeats count, RESOLVED closes, a later OPEN reopens', async () => {
      const companyId = uniqueName('alerts_co');
      const first = anAlert(companyId, { occurredAt: at(0) });
      await publish(
        first,
        first, // a redelivery: applied once
        anAlert(companyId, {
          occurredAt: at(5),
          message: 'Map product groups food and bar.',
          details: {
            locationId: 'oslo',
            businessDay: '2026-11-24',
            unmapped: [
              { kind: 'PRODUCT_GROUP', id: 'food', takeaway: false, vatRate: 25 },
              { kind: 'PRODUCT_GROUP', id: 'bar', takeaway: false, vatRate: 25 },
            ],
          },
        }),
        anAlert(companyId, {
          alertKey: 'token-missing-rights',
          kind: 'TOKEN_MISSING_RIGHTS',
          severity: 'WARNING',
          title: 'The token lacks a right',
          details: {},
          source: 'onboarding',
          occurredAt: at(6),
        }),
      );
      await eventually(async () => {
        const { status, body } = await alerts(companyId);
        expect(status).toBe(200);
        expect(body).toMatchObject({ total: 2, from: 0, count: 2 });
        // CRITICAL before WARNING
        expect(body.values).toMatchObject([
          {
            alertKey: 'day-unmapped:oslo:2026-11-24',
            kind: 'DAY_UNMAPPED',
            state: 'OPEN',
            severity: 'CRITICAL',
            message: 'Map product groups food and bar.',
            details: { unmapped: [{ id: 'food' }, { id: 'bar' }] },
            source: 'sales-export',
            openedAt: at(0),
            lastSeenAt: at(5),
            count: 2,
            occurrences: 1,
            resolvedAt: null,
          },
          { alertKey: 'token-missing-rights', severity: 'WARNING', count: 1 },
        ]);
      });

      // older than the resolve: stale, must not reopen it
      const stale = anAlert(companyId, { occurredAt: at(10) });
      await publish(
        anAlert(companyId, {
          state: 'RESOLVED',
          message: 'The day is posted.',
          occurredAt: at(30),
        }),
        stale,
      );
      await eventually(async () => {
        const resolved = await alerts(companyId, 'RESOLVED');
        expect(resolved.body.values).toMatchObject([
          {
            alertKey: 'day-unmapped:oslo:2026-11-24',
            state: 'RESOLVED',
            resolvedAt: at(30),
            resolution: 'The day is posted.',
            count: 2,
          },
        ]);
        // the stale OPEN was consumed, and changed nothing
        const rows = await flow().sut.schema.query(
          'SELECT count(*)::int AS n FROM processed_events WHERE event_id = $1',
          [stale.eventId],
        );
        expect(rows).toEqual([{ n: 1 }]);
      });
      expect((await alerts(companyId)).body.values.map((a: any) => a.alertKey)).toEqual([
        'token-missing-rights',
      ]);

      await publish(anAlert(companyId, { occurredAt: at(60) }));
      await eventually(async () => {
        const { body } = await alerts(companyId, 'ALL');
        expect(body.total).toBe(2);
        expect(body.values[0]).toMatchObject({
          alertKey: 'day-unmapped:oslo:2026-11-24',
          state: 'OPEN',
          openedAt: at(60),
          count: 1,
          occurrences: 2,
          resolvedAt: null,
          resolution: null,
        });
      });
    }, 120_000);

    it('dead-letters hostile alert records with their reason and applies the good ones around them', async () => {
      const { sut } = flow();
      const companies = [uniqueName('alerts_robust'), uniqueName('alerts_robust')];
      const good = companies.map((c) => anAlert(c));
      const hostile = hostileRecords(Topics.AlertsV1, anAlert(companies[0]));
      await publishInterleaved(
        sut.kafka,
        Topics.AlertsV1,
        hostile,
        good.map((e) => ({ key: e.companyId as string, value: e })),
      );
      await eventually(
        async () => {
          for (const companyId of companies)
            expect((await alerts(companyId)).body).toMatchObject({ total: 1 });
        },
        { timeoutMs: 60_000 },
      );
      await eventually(
        () =>
          expect(
            notDeadLettered(
              events.messages,
              deadLetterTopic(Topics.AlertsV1),
              sut.env.KAFKA_GROUP_ID,
              hostile,
            ),
          ).toEqual([]),
        { timeoutMs: 60_000 },
      );
      expect((await fetch(`${sut.url}/ready`)).status).toBe(200);
    }, 180_000);

    it('answers only the company of the token: 401 without one, 403 for another, 400 for a bad filter', async () => {
      const { sut } = flow();
      const companyId = uniqueName('alerts_auth');
      const path = `/v1/companies/${companyId}/alerts`;
      expect((await fetch(`${sut.url}${path}`)).status).toBe(401);
      const other = await flow().apiWith(backOfficeJwt(sut.jwtSecret, 'someone-else'), 'GET', path);
      expect(other).toMatchObject({ status: 403, body: { code: 'AUTH.OTHER_COMPANY' } });
      const bad = await alerts(companyId, 'SOMETIMES');
      expect(bad.status).toBe(400);
      expect(bad.body.errors).toEqual([
        { field: 'state', messages: ['state must be OPEN, RESOLVED or ALL'] },
      ]);
      expect(await alerts(companyId)).toMatchObject({
        status: 200,
        body: { total: 0, from: 0, count: 0, values: [] },
      });
    }, 60_000);
  },
);
