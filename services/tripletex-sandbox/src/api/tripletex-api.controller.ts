import { All, Controller, Logger, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { SandboxControls } from '../state/sandbox-controls';
import { WebhookPolicy } from '../webhooks/webhook-policy';
import { SandboxEvents } from '../state/sandbox-events';
import { CompanyState, SandboxState, SessionRecord } from '../state/sandbox-state';
import { parseFields, project } from './fields';
import { customerHandlers } from './handlers/customer.handlers';
import { Handler, HandlerResult } from './handlers/handler';
import { eventHandlers } from './handlers/event.handlers';
import { productHandlers } from './handlers/product.handlers';
import { invoiceHandlers } from './handlers/invoice.handlers';
import { departmentHandlers } from './handlers/department.handlers';
import { employeeHandlers } from './handlers/employee.handlers';
import { ledgerHandlers } from './handlers/ledger.handlers';
import { voucherHandlers } from './handlers/voucher.handlers';
import { sessionHandlers } from './handlers/session.handlers';
import { requiredEntitlements } from './entitlement-rules';
import { SandboxError } from './sandbox-error';
import { SpecOperation, SpecRouter } from './spec-router';
import { SpecValidator } from './spec-validator';

/** Operations Tripletex serves without a session. */
const NO_AUTH = new Set([
  'TokenSessionCreate_create',
  'TokenSessionCreate_createWithBody',
  'Event_get',
  'Event_example',
]);

export const HANDLERS: Record<string, Handler> = {
  ...sessionHandlers,
  ...employeeHandlers,
  ...customerHandlers,
  ...departmentHandlers,
  ...ledgerHandlers,
  ...voucherHandlers,
  ...invoiceHandlers,
  ...productHandlers,
  ...eventHandlers,
};

async function readBody(req: Request): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function modelOf(op: SpecOperation): string | undefined {
  const name = op.responseRef?.split('/').pop();
  return name
    ?.replace(/^ResponseWrapper/, '')
    .replace(/^ListResponse/, '')
    .replace(/^VoucherSearchResponse$/, 'Voucher');
}

/**
 * Tripletex API v2, simulated: every request under /v2 is matched to an operation of Tripletex's
 * own OpenAPI document, goes through the operator's faults, latency and rate limit, Basic auth
 * with a session token, request validation, then the operation's handler; the answer gets
 * Tripletex's envelopes, `fields` projection, paging, error body and `x-tlx-request-id`.
 */
@Controller('v2')
export class TripletexApiController {
  private readonly logger = new Logger('TripletexSandbox');

  constructor(
    private readonly state: SandboxState,
    private readonly controls: SandboxControls,
    private readonly router: SpecRouter,
    private readonly validator: SpecValidator,
    private readonly events: SandboxEvents,
    private readonly webhooks: WebhookPolicy,
  ) {}

  @All('*path')
  async handle(@Req() req: Request, @Res() res: Response): Promise<void> {
    const requestId = randomUUID();
    const path = decodeURIComponent(req.path.replace(/^\/v2/, '')) || '/';
    res.setHeader('x-tlx-request-id', requestId);
    let status = 500;
    let operationId: string | undefined;
    let companyId: number | undefined;
    let release: (() => void) | undefined;
    // Whose request it is, for the request log, even when a fault answers before authentication.
    const arriving = this.sessionOfAuth(req);
    companyId = arriving?.companyId;
    // In flight from its arrival, as at a real server: its latency is part of it.
    if (arriving) release = this.controls.enter(arriving.employeeToken);
    try {
      const latency = this.controls.latencyFor(companyId);
      if (latency > 0) await sleep(latency);
      if (await this.injectFault(req, res, path, companyId)) {
        status = res.statusCode;
        return;
      }
      const matched = this.router.match(req.method, path);
      if (matched === null)
        throw new SandboxError(404, 6000, `No such path in Tripletex API v2: ${path}`);
      if ('allowed' in matched) {
        res.setHeader('Allow', matched.allowed.join(', '));
        throw new SandboxError(405, 4000, `HTTP ${req.method} is not supported on ${path}`);
      }
      const { operation } = matched;
      operationId = operation.operationId;
      const session = NO_AUTH.has(operation.operationId) ? undefined : this.authenticate(req);
      const company = session ? this.state.companies.get(session.companyId) : undefined;
      companyId = company?.company.id;
      this.rateLimit(res, session?.employeeToken ?? `anon:${req.ip ?? ''}`);
      // Let concurrent requests overlap the way they do against a real server.
      if (session) await sleep(0);

      const text = await readBody(req);
      const ctx = {
        state: this.state,
        events: this.events,
        webhooks: this.webhooks,
        op: operation,
        session,
        company,
        path: this.validator.pathParams(operation, matched.pathParams),
        query: this.validator.query(operation, req.query),
        body: this.validator.body(operation, text),
      };
      this.authorize(operation, ctx.query, ctx.body, session, company);
      const handler = HANDLERS[operation.operationId];
      if (!handler) {
        throw new SandboxError(
          501,
          1000,
          `The sandbox does not simulate ${operation.operationId} (${req.method} ${operation.template})`,
        );
      }
      const result = handler(ctx);
      status = this.respond(res, operation, ctx.query, result);
    } catch (error) {
      status = this.fail(res, error, requestId);
    } finally {
      release?.();
      this.controls.log({
        at: new Date().toISOString(),
        method: req.method,
        path,
        operationId,
        status,
        companyId,
      });
    }
  }

  /** The session a request's Basic auth names, if any (never throws: authenticate() judges it). */
  private sessionOfAuth(req: Request): SessionRecord | undefined {
    const match = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '');
    if (!match) return undefined;
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    return this.state.sessions.get(decoded.slice(decoded.indexOf(':') + 1));
  }

  private authenticate(req: Request): SessionRecord {
    const header = req.headers.authorization ?? '';
    const match = /^Basic\s+(.+)$/i.exec(header);
    if (!match) throw SandboxError.unauthorized();
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const username = decoded.slice(0, colon);
    const token = decoded.slice(colon + 1);
    const session = this.state.sessions.get(token);
    if (!session || colon < 0) throw SandboxError.unauthorized();
    // The session stops working at midnight (Oslo) starting its expirationDate.
    if (this.state.today() >= session.expirationDate) throw SandboxError.unauthorized();
    if (username !== '' && username !== '0' && Number(username) !== session.companyId)
      throw SandboxError.unauthorized();
    return session;
  }

  /** 403 when the session's effective rights lack what the call needs (entitlement-rules.ts). */
  private authorize(
    operation: SpecOperation,
    query: Record<string, unknown>,
    body: unknown,
    session: SessionRecord | undefined,
    company: CompanyState | undefined,
  ): void {
    if (!session || !company) return;
    for (const entitlement of requiredEntitlements(operation.operationId, query, body))
      if (!this.state.mayUse(company, session.employeeId, entitlement))
        throw SandboxError.forbidden();
  }

  private rateLimit(res: Response, key: string): void {
    const taken = this.controls.takeRateLimit(key, this.state.now().getTime());
    res.setHeader('X-Rate-Limit-Limit', String(taken.limit));
    res.setHeader('X-Rate-Limit-Remaining', String(taken.remaining));
    const omitReset =
      !taken.allowed && Math.random() < this.controls.rateLimit.omitResetHeaderRatio;
    if (!omitReset) res.setHeader('X-Rate-Limit-Reset', String(taken.resetSeconds));
    if (!taken.allowed)
      throw new SandboxError(
        429,
        429,
        'Too many requests. The rate limit for this period is used up.',
      );
  }

  /** Scripted and random faults; true when the request has been answered (or dropped) already. */
  private async injectFault(
    req: Request,
    res: Response,
    path: string,
    companyId: number | undefined,
  ): Promise<boolean> {
    const scripted = this.controls.takeScripted(req.method, path, companyId);
    const faults = this.controls.faults;
    const roll = Math.random();
    const kind =
      scripted?.kind ??
      (roll < faults.dropRatio
        ? 'drop'
        : roll < faults.dropRatio + faults.timeoutRatio
          ? 'timeout'
          : roll < faults.dropRatio + faults.timeoutRatio + faults.errorRatio
            ? 'status'
            : undefined);
    if (!kind) return false;
    if (kind === 'drop') {
      req.socket.destroy();
      res.statusCode = 0;
      return true;
    }
    if (kind === 'timeout') {
      await sleep(faults.hangMs);
      if (req.socket.destroyed) {
        res.statusCode = 0;
        return true;
      }
      throw new SandboxError(504, 1000, 'Gateway timeout (injected)');
    }
    const status = scripted?.status ?? (Math.random() < 0.5 ? 500 : 503);
    if (status === 429) {
      res.setHeader('X-Rate-Limit-Limit', String(this.controls.rateLimit.limit));
      res.setHeader('X-Rate-Limit-Remaining', '0');
      if (!scripted?.omitResetHeader) res.setHeader('X-Rate-Limit-Reset', '1');
      throw new SandboxError(
        429,
        429,
        'Too many requests. The rate limit for this period is used up.',
      );
    }
    throw new SandboxError(
      status,
      1000,
      status === 503 ? 'Service unavailable (injected)' : 'Unspecified exception (injected)',
    );
  }

  private respond(
    res: Response,
    op: SpecOperation,
    query: Record<string, unknown>,
    result: HandlerResult,
  ): number {
    const status = op.successStatus;
    if (result.kind === 'empty') {
      res.status(status === 200 ? 204 : status).end();
      return status === 200 ? 204 : status;
    }
    const model = modelOf(op) ?? '';
    const tree = parseFields(query.fields as string | undefined);
    const schemas = (name: string) =>
      (
        (this.router.spec.components as Record<string, unknown>).schemas as Record<
          string,
          Record<string, unknown>
        >
      )[name];
    if (result.kind === 'value') {
      res.status(status).json({ value: project(result.value, tree, model, schemas) });
      return status;
    }
    const from = (query.from as number | undefined) ?? 0;
    const count = (query.count as number | undefined) ?? 1000;
    const page = result.values.slice(from, from + count);
    res.status(status).json({
      fullResultSize: result.values.length,
      from,
      count: page.length,
      versionDigest: "'If-None-Match' header not specified",
      values: page.map((v) => project(v, tree, model, schemas)),
    });
    return status;
  }

  private fail(res: Response, error: unknown, requestId: string): number {
    if (res.headersSent || res.socket?.destroyed) return res.statusCode;
    const e =
      error instanceof SandboxError
        ? error
        : new SandboxError(
            500,
            1000,
            'Unspecified exception',
            null,
            (error as Error)?.message ?? String(error),
          );
    if (!(error instanceof SandboxError))
      this.logger.error({ err: error, requestId }, 'sandbox handler failed');
    res.status(e.status).json({
      status: e.status,
      code: e.code,
      message: e.message,
      link: 'https://tripletex.no/v2-docs/',
      developerMessage: e.developerMessage,
      validationMessages: e.validationMessages,
      requestId,
    });
    return e.status;
  }
}
