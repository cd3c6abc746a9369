import type { CompanyState, Entity, SandboxState, SessionRecord } from '../../state/sandbox-state';
import type { SandboxEvents } from '../../state/sandbox-events';
import type { WebhookPolicy } from '../../webhooks/webhook-policy';
import type { SpecOperation } from '../spec-router';

export interface HandlerContext {
  state: SandboxState;
  events: SandboxEvents;
  /** Which webhook targets are accepted (https only, unless the operator allowed an http host). */
  webhooks: Pick<WebhookPolicy, 'targetUrlProblem'>;
  op: SpecOperation;
  /** Absent only for the operations Tripletex serves without a session. */
  session?: SessionRecord;
  company?: CompanyState;
  query: Record<string, unknown>;
  path: Record<string, string | number>;
  body: unknown;
}

/** What a handler answers; the pipeline adds envelopes, `fields` projection and paging. */
export type HandlerResult =
  | { kind: 'value'; value: Entity | Record<string, unknown> }
  | { kind: 'list'; values: Entity[] }
  | { kind: 'empty' };

export type Handler = (ctx: HandlerContext) => HandlerResult;

export const value = (v: Entity | Record<string, unknown>): HandlerResult => ({
  kind: 'value',
  value: v,
});
export const list = (values: Entity[]): HandlerResult => ({ kind: 'list', values });
export const empty = (): HandlerResult => ({ kind: 'empty' });

/** The session's company (every authenticated handler has one). */
export function companyOf(ctx: HandlerContext): CompanyState {
  if (!ctx.company) throw new Error(`${ctx.op.operationId} needs a session`);
  return ctx.company;
}

/** `1,2,3` → [1, 2, 3]; undefined when the filter is absent. */
export function idList(value: unknown): number[] | undefined {
  if (value === undefined) return undefined;
  return String(value as string)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number)
    .filter(Number.isFinite);
}

/** `sorting=name,-id` applied to entities (default: by id). */
export function sortBy(values: Entity[], sorting: unknown): Entity[] {
  const keys =
    typeof sorting === 'string' && sorting.trim()
      ? sorting.split(',').map((s) => s.trim())
      : ['id'];
  return [...values].sort((a, b) => {
    for (const key of keys) {
      const desc = key.startsWith('-');
      const field = desc ? key.slice(1) : key;
      const av = a[field] as string | number | undefined;
      const bv = b[field] as string | number | undefined;
      if (av === bv) continue;
      const cmp = av === undefined ? -1 : bv === undefined ? 1 : av < bv ? -1 : 1;
      return desc ? -cmp : cmp;
    }
    return 0;
  });
}

/** A reference `{id}` in a body, resolved in a collection; undefined if absent or unknown. */
export function ref(collection: Map<number, Entity>, value: unknown): Entity | undefined {
  const id = (value as { id?: unknown } | undefined)?.id;
  return typeof id === 'number' ? collection.get(id) : undefined;
}
