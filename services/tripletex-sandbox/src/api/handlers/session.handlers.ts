import { DateTime } from 'luxon';
import { randomBytes } from 'node:crypto';
import { SandboxError, Texts } from '../sandbox-error';
import { companyOf, Handler, HandlerContext, list, value } from './handler';

function createSession(
  ctx: HandlerContext,
  args: { consumerToken?: unknown; employeeToken?: unknown; expirationDate?: unknown },
) {
  const { state } = ctx;
  if (typeof args.consumerToken !== 'string' || !state.consumerTokens.has(args.consumerToken)) {
    throw SandboxError.validation(
      [{ field: 'arg:consumerToken', message: Texts.consumerToken }],
      18000,
    );
  }
  const employee =
    typeof args.employeeToken === 'string'
      ? state.employeeTokens.get(args.employeeToken)
      : undefined;
  // A deleted token, or one past the end date it was given, no longer opens a session.
  if (!employee || (employee.expiresOn !== undefined && state.today() >= employee.expiresOn)) {
    throw SandboxError.validation(
      [{ field: 'arg:employeeToken', message: Texts.employeeToken }],
      18000,
    );
  }
  const expiration =
    typeof args.expirationDate === 'string' ? DateTime.fromISO(args.expirationDate) : undefined;
  if (!expiration?.isValid || !/^\d{4}-\d{2}-\d{2}$/.test(String(args.expirationDate))) {
    throw SandboxError.validation(
      [{ field: 'arg:expirationDate', message: Texts.wrongType }],
      18000,
    );
  }
  // A session must expire after today; it stops working at midnight starting its expirationDate.
  if ((args.expirationDate as string) <= state.today()) {
    throw SandboxError.validation(
      [{ field: 'arg:expirationDate', message: 'Utløpsdato må være etter dagens dato.' }],
      18000,
    );
  }
  const token = randomBytes(24).toString('hex'); // session tokens contain no dashes
  const id = state.id();
  state.sessions.set(token, {
    token,
    id,
    companyId: employee.companyId,
    employeeId: employee.employeeId,
    employeeToken: args.employeeToken as string,
    consumerToken: args.consumerToken,
    expirationDate: args.expirationDate as string,
  });
  return value({
    id,
    version: 1,
    url: state.url('token/session', id),
    consumerToken: { id: state.id(), url: state.url('token/consumer', id) },
    employeeToken: { id: state.id(), url: state.url('token/employee', id) },
    expirationDate: args.expirationDate as string,
    token,
  });
}

export const sessionHandlers: Record<string, Handler> = {
  TokenSessionCreate_create: (ctx) => createSession(ctx, ctx.query),
  TokenSessionCreate_createWithBody: (ctx) => createSession(ctx, ctx.body ?? {}),

  TokenSessionWhoAmI_whoAmI: (ctx) => {
    const company = companyOf(ctx);
    const employeeId = ctx.session!.employeeId;
    // A proxy login (operator switch): an accountant is logged in as the token's employee.
    const actualEmployeeId = company.actualEmployeeId ?? employeeId;
    return value({
      employeeId,
      actualEmployeeId,
      employee: { id: employeeId, url: ctx.state.url('employee', employeeId) },
      companyId: company.company.id,
      company: company.company,
      language: 'no',
      loggedInWithConnect: false,
      employeeIsProxy: actualEmployeeId !== employeeId,
    });
  },

  TokenSession_delete: (ctx) => {
    const token = String(ctx.path.token);
    if (!ctx.state.sessions.delete(token)) throw SandboxError.notFound();
    return { kind: 'empty' };
  },

  Company_get: (ctx) => {
    const company = companyOf(ctx);
    if (ctx.path.id !== company.company.id) throw SandboxError.notFound();
    return value(company.company);
  },

  CompanyWithLoginAccess_getWithLoginAccess: () => list([]),
};
