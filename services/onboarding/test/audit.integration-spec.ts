import { join } from 'node:path';
import { backOfficeJwt, describeFlow, failWrites } from '@pos-tripletex/testing';
import { createDataSource } from '../src/database/setup';
import { aConnectedCompany } from './support/wizard-answers';

// The audit trail as BackOffice sees it: a change over HTTP, its record read back over HTTP.

describeFlow(
  'onboarding audit trail',
  {
    mainJs: join(__dirname, '../dist/main.js'),
    createDataSource,
    schema: 'onboarding_audit',
  },
  (flow) => {
    const wizard = (companyId: string, method: string, path: string, body?: unknown) =>
      flow().api(companyId, method, `/v1/companies/${companyId}/tripletex${path}`, body);

    /** A company with its token stored (step 1 done over HTTP). */
    async function connected() {
      const company = await aConnectedCompany(flow().sut.sandbox);
      const token = await wizard(company.companyId, 'POST', '/token', {
        employeeToken: company.tripletex.employeeToken,
      });
      expect(token.status).toBe(200);
      return company;
    }

    const records = async (companyId: string, query: Record<string, string | number> = {}) => {
      const answer = await flow().audit(companyId, query);
      expect(answer.status).toBe(200);
      return answer.body.values as any[];
    };

    it('records a wizard step with who made it, when, and only the fields it changed', async () => {
      const { companyId } = await connected();
      const before = Date.now();
      const saved = await wizard(companyId, 'PUT', '/start-date', {
        startDate: '2026-11-01',
        sendToLedger: false,
      });
      expect(saved.status).toBe(200);

      const [newest] = await records(companyId);
      expect(newest).toMatchObject({
        actorKind: 'USER',
        actor: `user-of-${companyId}`,
        action: 'wizard.start-date.updated',
        target: 'tripletex',
        before: {
          startDate: null,
          salesExport: { sendToLedger: true },
          completedSteps: ['token'],
        },
        after: {
          startDate: '2026-11-01',
          salesExport: { sendToLedger: false },
          completedSteps: ['token', 'start-date'],
        },
      });
      expect(Object.keys(newest.after).sort()).toEqual(
        ['completedSteps', 'salesExport', 'startDate'].sort(),
      );
      const at = Date.parse(newest.occurredAt);
      expect(at).toBeGreaterThanOrEqual(before - 1000);
      expect(at).toBeLessThanOrEqual(Date.now() + 1000);
    });

    it('records nothing for a step saved again unchanged', async () => {
      const { companyId } = await connected();
      const answer = { startDate: '2026-11-01', sendToLedger: false };
      expect((await wizard(companyId, 'PUT', '/start-date', answer)).status).toBe(200);
      const once = await records(companyId);
      expect((await wizard(companyId, 'PUT', '/start-date', answer)).status).toBe(200);
      expect(await records(companyId)).toEqual(once);
    });

    it('records the token step and deactivation without the token or its ciphertext', async () => {
      const { companyId, tripletex } = await connected();
      expect((await wizard(companyId, 'POST', '/deactivate')).status).toBe(200);

      const [deactivated, token] = await records(companyId);
      expect(token).toMatchObject({
        action: 'wizard.token.updated',
        before: null,
        after: {
          status: 'ONBOARDING',
          connection: { tripletexCompanyId: tripletex.companyId, employeeId: expect.any(Number) },
        },
      });
      expect(deactivated).toMatchObject({
        action: 'integration.deactivated',
        before: { status: 'ONBOARDING', connection: { tripletexCompanyId: tripletex.companyId } },
        after: { status: 'INACTIVE', connection: null, statusReason: 'deactivated in BackOffice' },
      });
      const [stored] = await flow().sut.schema.query<{ ciphertext: string }>(
        'SELECT token_ciphertext AS ciphertext FROM integrations WHERE company_id = $1',
        [companyId],
      );
      expect(stored.ciphertext).toBeNull();
      const rows = JSON.stringify(
        await flow().sut.schema.query('SELECT * FROM audit_records WHERE company_id = $1', [
          companyId,
        ]),
      );
      expect(rows).not.toContain(tripletex.employeeToken);
      expect(rows).not.toMatch(/ciphertext|keyId/i);

      // Reconnecting is a change of its own.
      const again = await wizard(companyId, 'POST', '/token', {
        employeeToken: tripletex.employeeToken,
      });
      expect(again.status).toBe(200);
      const [reconnected] = await records(companyId);
      expect(reconnected).toMatchObject({
        action: 'wizard.token.updated',
        before: { status: 'INACTIVE', connection: null },
        after: { status: 'ONBOARDING', connection: { tripletexCompanyId: tripletex.companyId } },
      });
    });

    it('pages newest first by cursor and filters by action and time', async () => {
      const { companyId } = await connected();
      for (const startDate of ['2026-10-01', '2026-10-02', '2026-10-03'])
        expect((await wizard(companyId, 'PUT', '/start-date', { startDate })).status).toBe(200);

      const first = await flow().audit(companyId, { limit: 2 });
      expect(first.body.values.map((r: any) => r.after.startDate)).toEqual([
        '2026-10-03',
        '2026-10-02',
      ]);
      const second = await flow().audit(companyId, { limit: 2, cursor: first.body.nextCursor });
      expect(second.body.values.map((r: any) => r.action)).toEqual([
        'wizard.start-date.updated',
        'wizard.token.updated',
      ]);
      expect(second.body.nextCursor).toBeNull();

      const tokens = await records(companyId, { action: 'wizard.token.updated' });
      expect(tokens).toHaveLength(1);
      const since = new Date(Date.now() + 60_000).toISOString();
      expect(await records(companyId, { since })).toEqual([]);
      expect(await records(companyId, { until: since })).toHaveLength(4);
      const invalid = await flow().audit(companyId, { limit: 0, since: 'yesterday' });
      expect(invalid.status).toBe(400);
      expect(invalid.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
        'limit',
        'since',
      ]);
    });

    it('is documented in the OpenAPI document with its filters and paging', async () => {
      const res = await fetch(`${flow().sut.adminUrl}/docs/openapi.json`);
      const doc = (await res.json()) as any;
      const route = doc.paths['/v1/companies/{companyId}/audit'].get;
      expect(route.security).toEqual([{ backOffice: [] }]);
      expect(route.parameters.map((p: { name: string }) => p.name).sort()).toEqual(
        ['action', 'companyId', 'cursor', 'limit', 'since', 'target', 'until'].sort(),
      );
    });

    it('shows a company only its own trail', async () => {
      const a = await connected();
      const b = await aConnectedCompany(flow().sut.sandbox);
      const path = `/v1/companies/${a.companyId}/audit`;
      const asB = await flow().apiWith(
        backOfficeJwt(flow().sut.jwtSecret, b.companyId),
        'GET',
        path,
      );
      expect(asB).toMatchObject({ status: 403, body: { code: 'AUTH.OTHER_COMPANY' } });
      expect(JSON.stringify(asB.body)).not.toContain('wizard.');
      const anonymous = await fetch(`${flow().sut.url}${path}`);
      expect(anonymous.status).toBe(401);
      // B's own trail is empty: nothing of A's leaks into it.
      expect(await records(b.companyId)).toEqual([]);
    });

    it('refuses a change by a token without `sub`, and changes nothing', async () => {
      const { companyId } = await connected();
      const jwt = backOfficeJwt(flow().sut.jwtSecret, companyId, { subject: null });
      const path = `/v1/companies/${companyId}/tripletex`;
      const refused = await flow().apiWith(jwt, 'PUT', `${path}/start-date`, {
        startDate: '2026-11-01',
      });
      expect(refused).toMatchObject({ status: 401, body: { code: 'AUTH.NO_SUBJECT' } });
      expect((await flow().apiWith(jwt, 'GET', path)).body.startDate).toBeNull();
      expect((await records(companyId)).map((r) => r.action)).toEqual(['wizard.token.updated']);
    });

    it('leaves no record of a change that rolled back, and no change without its record', async () => {
      const { companyId } = await connected();
      const { schema } = flow().sut;
      const trail = await records(companyId);

      // The change's transaction fails at commit, after the record was written with it.
      const allowCommits = await failWrites(schema, 'integrations', companyId, 'commit');
      try {
        const failed = await wizard(companyId, 'PUT', '/start-date', { startDate: '2026-11-01' });
        expect(failed.status).toBe(500);
      } finally {
        await allowCommits();
      }
      expect(await records(companyId)).toEqual(trail);
      expect((await wizard(companyId, 'GET', '')).body.startDate).toBeNull();

      // The record cannot be written: the change is not made either.
      const allowRecords = await failWrites(schema, 'audit_records', companyId, 'write');
      try {
        const failed = await wizard(companyId, 'PUT', '/start-date', { startDate: '2026-11-01' });
        expect(failed.status).toBe(500);
      } finally {
        await allowRecords();
      }
      expect((await wizard(companyId, 'GET', '')).body.startDate).toBeNull();
      expect(await records(companyId)).toEqual(trail);
    });
  },
);
