import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Topics } from '@pos-tripletex/contracts';
import { aCheckout, Collector, eventually } from '@pos-tripletex/testing';
import { addDays, Company, LOCATIONS, onboard, sell, todaySoFar } from '../src/scenario';
import { System } from '../src/system';

// What an operator is told, end to end: every service as its own process, real Kafka and
// PostgreSQL, the Tripletex sandbox as Tripletex. A day sold in a product group nobody mapped
// raises an alert – raised by sales-export, kept by onboarding, listed over HTTP – naming the
// group; mapping it posts the day and resolves the alert. A token revoked in Tripletex raises
// TOKEN_REFUSED.

let system: System;
let events: Collector;

beforeAll(async () => {
  system = await System.start({ instances: 1 });
  events = await system.kafka.collect([Topics.AlertsV1, Topics.DayStatusV1]);
}, 300_000);

afterAll(async () => {
  await events?.stop();
  await system?.stop();
});

const alerts = (company: Company, state = 'OPEN') =>
  system.api('onboarding', company.companyId, 'GET', `/alerts?state=${state}`);

/** The company's alert of this cause in the list of `state`, once it is there. */
const listed = (company: Company, state: string, alertKey: string, timeoutMs: number) =>
  eventually(
    async () => {
      const answer = await alerts(company, state);
      expect(answer.status).toBe(200);
      const alert = (answer.body.values as { alertKey: string }[]).find(
        (a) => a.alertKey === alertKey,
      );
      expect(alert).toBeDefined();
      return alert as Record<string, unknown>;
    },
    { timeoutMs, intervalMs: 500 },
  );

/** What the operator was shown, for the record (`.cache/e2e/alerts-received.json`). */
const received: Record<string, unknown>[] = [];
afterAll(() => {
  mkdirSync(join(__dirname, '../../../.cache/e2e'), { recursive: true });
  writeFileSync(
    join(__dirname, '../../../.cache/e2e/alerts-received.json'),
    `${JSON.stringify(received, null, 2)}\n`,
  );
});

describe('alerts an operator receives', () => {
  let company: Company;
  let businessDay: string;

  beforeAll(async () => {
    const early = 120_000 - todaySoFar().elapsedMs;
    if (early > 0) await sleep(early);
    const today = todaySoFar().day;
    company = await onboard(system, { collective: false, startDate: addDays(today, -7) });
    await system.settingsApplied([company.companyId]);
    // Three days ago (closed by its cut-off plus grace): a dessert, a product group with no account.
    businessDay = addDays(today, -3);
    await sell(system, [
      aCheckout({
        companyId: company.companyId,
        locationId: LOCATIONS[0],
        completedAt: `${businessDay}T12:00:00+01:00`,
        method: 'CARD',
        lines: [{ unitPriceGross: 9900, productGroupId: 'dessert' }],
      }),
    ]);
  }, 300_000);

  it('lists a DAY_UNMAPPED alert naming the product group, and resolves it once the group is mapped and the day posts', async () => {
    const key = `day-unmapped:${LOCATIONS[0]}:${businessDay}`;
    const open = await listed(company, 'OPEN', key, 120_000);
    received.push(open);
    expect(open).toMatchObject({
      kind: 'DAY_UNMAPPED',
      state: 'OPEN',
      severity: 'CRITICAL',
      source: 'sales-export',
      title: expect.stringContaining('product group dessert (eat-in, 25 %)'),
      message: expect.stringContaining(
        'product group dessert (eat-in, 25 %) under product groups (eat-in)',
      ),
      details: {
        locationId: LOCATIONS[0],
        businessDay,
        code: 'SALES_EXPORT.UNMAPPED',
        unmapped: [{ kind: 'PRODUCT_GROUP', id: 'dessert', takeaway: false, vatRate: 25 }],
      },
      count: 1,
      resolvedAt: null,
    });

    // The operator maps the group (to the same revenue account as food): the day is exported again.
    const chart = await system.api(
      'onboarding',
      company.companyId,
      'GET',
      '/tripletex/accounts?count=1000',
    );
    const revenue = (chart.body.values as { id: number; number: number }[]).find(
      (a) => a.number === 3000,
    )!.id;
    const mapped = await system.api(
      'onboarding',
      company.companyId,
      'PUT',
      '/tripletex/product-groups',
      {
        productGroups: [
          { productGroupId: 'food', name: 'Mat', vatRate: 25, accountId: revenue },
          { productGroupId: 'beer', name: 'Øl', vatRate: 25, accountId: revenue },
          { productGroupId: 'dessert', name: 'Dessert', vatRate: 25, accountId: revenue },
        ],
      },
    );
    expect(mapped.status).toBe(200);

    const resolved = await listed(company, 'RESOLVED', key, 120_000);
    received.push(resolved);
    expect(resolved).toMatchObject({
      state: 'RESOLVED',
      resolvedAt: expect.any(String),
      resolution: 'The day’s voucher is in Tripletex.',
    });
    const statuses = events.messages
      .filter((m) => m.topic === Topics.DayStatusV1 && m.key === company.companyId)
      .map((m) => JSON.parse(m.value!.toString()))
      .filter((e) => e.businessDay === businessDay && e.locationId === LOCATIONS[0]);
    expect(statuses.at(-1)).toMatchObject({ status: 'POSTED' });
    expect(
      (await alerts(company)).body.values.map((a: { alertKey: string }) => a.alertKey),
    ).not.toContain(key);
  }, 300_000);

  it('lists TOKEN_REFUSED once Tripletex refuses the revoked token', async () => {
    await system.sandbox.revokeEmployeeToken(company.tripletex.employeeToken);
    const checked = await system.api(
      'onboarding',
      company.companyId,
      'POST',
      '/tripletex/reverify',
    );
    expect(checked.body).toMatchObject({ status: 'NEEDS_ATTENTION' });
    const alert = await listed(company, 'OPEN', 'token-refused', 60_000);
    received.push(alert);
    expect(alert).toMatchObject({
      kind: 'TOKEN_REFUSED',
      state: 'OPEN',
      severity: 'CRITICAL',
      source: 'onboarding',
      title: 'Tripletex refuses the employee token',
      message: expect.stringMatching(/until a working token is stored.*did not accept the token/),
      details: { code: 'ONBOARDING.TOKEN_INVALID' },
    });
    // Another company's token does not see it.
    const other = await system.api('onboarding', 'someone-else', 'GET', `/alerts`);
    expect(other.status).toBe(200);
    expect(other.body.values).toEqual([]);
  }, 120_000);
});
