import { Topics } from '@pos-tripletex/contracts';
import {
  aCheckout,
  eventually,
  expectAdminSurface,
  expectClosedPublicSurface,
  TestKafka,
  TestSandbox,
} from '@pos-tripletex/testing';
import { Backoffice, onboard, todaySoFar, zReport } from '../src/scenario';
import { onboardingClient } from '../src/backoffice-client';

// The compose stack as an operator runs it (deploy/docker/smoke.sh brings it up and down):
// reached only through its published ports – onboarding's HTTP API, the sandbox's, and Kafka's
// external listener – with the secrets of its .env. Onboard a restaurant, sell by card and by
// invoice, close the day with a Z-report, and find the day's voucher and the invoice in the
// sandbox's Tripletex ledger.

const env = (name: string, fallback?: string): string => {
  const value = process.env[name] ?? fallback;
  if (!value) throw new Error(`${name} is not set: run this through deploy/docker/smoke.sh`);
  return value;
};
const PORTS = {
  onboarding: env('ONBOARDING_PORT', '3001'),
  'sales-export': env('SALES_EXPORT_PORT', '3002'),
  'customer-sync': env('CUSTOMER_SYNC_PORT', '3003'),
  invoicing: env('INVOICING_PORT', '3004'),
};
/** The admin listeners, published on the host's 127.0.0.1 only. */
const ADMIN_PORTS = {
  onboarding: env('ONBOARDING_ADMIN_PORT', '9001'),
  'sales-export': env('SALES_EXPORT_ADMIN_PORT', '9002'),
  'customer-sync': env('CUSTOMER_SYNC_ADMIN_PORT', '9003'),
  invoicing: env('INVOICING_ADMIN_PORT', '9004'),
};
const ore = (kr: number) => Math.round(kr * 100);

describe('docker compose stack (smoke, through published ports)', () => {
  // As a POS back end does: the `pos` principal, which may write checkouts and Z-reports.
  const kafka = new TestKafka(`127.0.0.1:${env('KAFKA_EXTERNAL_PORT', '29092')}`, {
    mechanism: 'plain',
    username: 'pos',
    password: env('KAFKA_POS_PASSWORD'),
  });
  const sandbox = TestSandbox.at(
    `http://127.0.0.1:${env('TRIPLETEX_SANDBOX_PORT', '3080')}`,
    env('TRIPLETEX_CONSUMER_TOKEN', 'sandbox-consumer-token'),
  );
  const jwtSecret = env('AUTH_JWT_SECRET');
  const backoffice: Backoffice = {
    sandbox,
    onboarding: (companyId) =>
      onboardingClient(`http://127.0.0.1:${PORTS.onboarding}`, jwtSecret, companyId),
  };

  afterAll(() => kafka.close());

  it('shows a bare status on the published ports, and /metrics and /docs only on the admin ones', async () => {
    for (const name of Object.keys(PORTS) as (keyof typeof PORTS)[]) {
      await expectClosedPublicSurface(`http://127.0.0.1:${PORTS[name]}`);
      await expectAdminSurface(`http://127.0.0.1:${ADMIN_PORTS[name]}`, { name, apiDocs: true });
    }
    await expectClosedPublicSurface(sandbox.url);
  });

  it('onboards a restaurant, then books a card sale in the day voucher and invoices the other', async () => {
    const today = todaySoFar();
    const company = await onboard(backoffice, {
      collective: false,
      startDate: today.day,
    });
    const [cardAt, invoiceAt] = today.times(2);
    const base = { companyId: company.companyId, locationId: 'smoke-sentrum' };
    const card = aCheckout({ ...base, completedAt: cardAt, lines: [{ unitPriceGross: 24900 }] });
    const invoiced = aCheckout({
      ...base,
      completedAt: invoiceAt,
      lines: [{ description: 'Selskapsmat', quantity: 10, unitPriceGross: 34900 }],
      invoice: { customerId: company.customers[0], reference: 'SMOKE-1', comment: 'Smoke test' },
    });
    await kafka.produce(
      Topics.CheckoutCompletedV1,
      [card, invoiced].map((c) => ({ key: company.companyId, value: c })),
    );
    await kafka.produce(Topics.DayClosedV1, [
      zReport({
        companyId: company.companyId,
        locationId: base.locationId,
        businessDay: today.day,
        checkouts: [card, invoiced],
        voucherGross: 24900,
        expectedCash: 0,
        invoiced: [invoiced],
      }),
    ]);

    const ledger = await eventually(
      async () => {
        const found = await sandbox.ledger<{ vouchers: any[]; invoices: any[] }>(
          company.tripletex.companyId,
        );
        // The day voucher (the invoice books its own voucher, without an external number).
        found.vouchers = found.vouchers.filter((v) => v.externalVoucherNumber);
        expect(found.vouchers).toHaveLength(1);
        expect(found.invoices).toHaveLength(1);
        return found;
      },
      { timeoutMs: 180_000, intervalMs: 1_000 },
    );
    const [voucher] = ledger.vouchers;
    expect(voucher.date).toBe(today.day);
    const rows = (voucher.postings as any[]).filter((p) => !p.systemGenerated);
    expect(rows.reduce((s, p) => s + ore(p.amountGross), 0)).toBe(0);
    expect(rows.filter((p) => p.amountGross > 0).reduce((s, p) => s + ore(p.amountGross), 0)).toBe(
      24900,
    );
    expect(ore(ledger.invoices[0].amount)).toBe(349000);
  });
});
