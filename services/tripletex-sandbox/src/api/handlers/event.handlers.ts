import { SandboxError, Texts } from '../sandbox-error';
import type { Entity, Json } from '../../state/sandbox-state';
import { companyOf, empty, Handler, HandlerContext, list, sortBy, value } from './handler';

/** The events the sandbox can deliver (Tripletex has many more; these are the ones we use). */
export const EVENTS: Record<string, { description: string; payloadModel: string }> = {
  'customer.create': { description: 'A customer has been created', payloadModel: 'Customer' },
  'customer.update': { description: 'A customer has been updated', payloadModel: 'Customer' },
  'customer.delete': { description: 'A customer has been deleted', payloadModel: 'Customer' },
};

const STATUSES = [
  'ACTIVE',
  'DISABLED',
  'DISABLED_TOO_MANY_ERRORS',
  'DISABLED_RATE_LIMIT_EXCEEDED',
  'DISABLED_MISUSE',
];

function checkSubscription(ctx: HandlerContext, body: Json, partial: boolean): void {
  const problems: { field: string; message: string }[] = [];
  if (!partial || body.event !== undefined) {
    if (typeof body.event !== 'string' || !(body.event in EVENTS))
      problems.push({ field: 'event', message: 'Ukjent hendelse.' });
  }
  if (!partial || body.targetUrl !== undefined) {
    // Tripletex demands an absolute https URL; http only for hosts the operator allowed.
    const problem = ctx.webhooks.targetUrlProblem(body.targetUrl);
    if (problem) problems.push({ field: 'targetUrl', message: problem });
  }
  if (body.status !== undefined && !STATUSES.includes(body.status as string))
    problems.push({ field: 'status', message: Texts.wrongType });
  if (problems.length) throw SandboxError.validation(problems);
}

/** Write-only secrets (and the sandbox's own failure count) are never answered back. */
function visible(subscription: Entity): Entity {
  const {
    authHeaderValue: _value,
    hmacSharedSecret: _secret,
    failuresInARow: _failures,
    ...rest
  } = subscription;
  return rest;
}

export const eventHandlers: Record<string, Handler> = {
  Event_get: () =>
    value(
      Object.fromEntries(
        Object.entries(EVENTS).map(([name, e]) => [name, { description: e.description }]),
      ),
    ),

  Event_example: (ctx) => {
    const name = ctx.path.eventType as string;
    const event = EVENTS[name];
    if (!event) throw SandboxError.notFound();
    return value({
      name,
      description: event.description,
      payloadModel: event.payloadModel,
      examples: [],
    });
  },

  EventSubscription_search: (ctx) =>
    list(sortBy([...companyOf(ctx).subscriptions.values()].map(visible), ctx.query.sorting)),

  EventSubscription_get: (ctx) => {
    const subscription = companyOf(ctx).subscriptions.get(ctx.path.id as number);
    if (!subscription) throw SandboxError.notFound();
    return value(visible(subscription));
  },

  EventSubscription_post: (ctx) => {
    const company = companyOf(ctx);
    const body = (ctx.body ?? {}) as Json;
    checkSubscription(ctx, body, false);
    const id = ctx.state.id();
    const subscription = {
      status: 'ACTIVE',
      ...body,
      id,
      version: 1,
      url: ctx.state.url('event/subscription', id),
    } as Entity;
    company.subscriptions.set(id, subscription);
    return value(visible(subscription));
  },

  EventSubscription_put: (ctx) => {
    const company = companyOf(ctx);
    const current = company.subscriptions.get(ctx.path.id as number);
    if (!current) throw SandboxError.notFound();
    const body = (ctx.body ?? {}) as Json;
    checkSubscription(ctx, body, true);
    const updated = {
      ...current,
      ...body,
      id: current.id,
      url: current.url,
      version: current.version + 1,
    } as Entity;
    // Re-enabled (PUT with status ACTIVE, as for one Tripletex disabled): its failures are forgiven.
    if (body.status === 'ACTIVE') updated.failuresInARow = 0;
    company.subscriptions.set(updated.id, updated);
    return value(visible(updated));
  },

  EventSubscription_delete: (ctx) => {
    if (!companyOf(ctx).subscriptions.delete(ctx.path.id as number)) throw SandboxError.notFound();
    return empty();
  },
};
