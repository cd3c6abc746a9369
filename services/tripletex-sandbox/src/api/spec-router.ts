import { loadTripletexSpec } from '@pos-tripletex/tripletex';

export interface SpecParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: {
    type?: string;
    format?: string;
    default?: unknown;
    enum?: unknown[];
    items?: { type?: string };
  };
}

export interface SpecOperation {
  operationId: string;
  method: string;
  /** The path as the spec writes it, e.g. `/customer/{id}`. */
  template: string;
  parameters: SpecParameter[];
  /** `#/components/schemas/X` of the JSON body, if the operation takes one. */
  bodyRef?: string;
  bodyRequired: boolean;
  /** `#/components/schemas/X` of the success response, and its status. */
  responseRef?: string;
  successStatus: number;
}

interface Route {
  segments: string[];
  operations: Map<string, SpecOperation>;
}

type JsonObject = Record<string, unknown>;

/**
 * The routes of Tripletex API v2 as its own OpenAPI document defines them: every request is
 * matched to a spec operation (literal segments like `:invoice` and `>whoAmI` beat `{id}`), so
 * the sandbox serves exactly the paths, methods and parameters of the real API.
 */
export class SpecRouter {
  readonly spec: JsonObject;
  private readonly routes: Route[] = [];

  constructor(spec: JsonObject = loadTripletexSpec()) {
    this.spec = spec;
    const paths = spec.paths as Record<string, Record<string, JsonObject>>;
    for (const [template, item] of Object.entries(paths)) {
      const route: Route = { segments: template.split('/').filter(Boolean), operations: new Map() };
      for (const [method, op] of Object.entries(item)) {
        if (!['get', 'post', 'put', 'delete'].includes(method)) continue;
        const body = (op.requestBody as JsonObject | undefined)?.content as
          Record<string, { schema?: { $ref?: string } }> | undefined;
        const responses = (op.responses ?? {}) as Record<string, JsonObject>;
        const successStatus = Number(Object.keys(responses).find((s) => s.startsWith('2')) ?? 200);
        const success = responses[String(successStatus)]?.content as
          Record<string, { schema?: { $ref?: string } }> | undefined;
        route.operations.set(method.toUpperCase(), {
          operationId: op.operationId as string,
          method: method.toUpperCase(),
          template,
          parameters: (op.parameters ?? []) as SpecParameter[],
          bodyRef: body ? Object.values(body)[0]?.schema?.$ref : undefined,
          bodyRequired: (op.requestBody as JsonObject | undefined)?.required === true,
          responseRef: success ? Object.values(success)[0]?.schema?.$ref : undefined,
          successStatus,
        });
      }
      this.routes.push(route);
    }
    // Literal segments first, so `/ledger/voucher/>externalVoucherNumber` never matches `{id}`.
    this.routes.sort((a, b) => literalScore(b) - literalScore(a));
  }

  get operations(): SpecOperation[] {
    return this.routes.flatMap((r) => [...r.operations.values()]);
  }

  match(
    method: string,
    path: string,
  ):
    | { operation: SpecOperation; pathParams: Record<string, string> }
    | { allowed: string[] }
    | null {
    const segments = path.split('/').filter(Boolean);
    for (const route of this.routes) {
      if (route.segments.length !== segments.length) continue;
      const params: Record<string, string> = {};
      const matches = route.segments.every((segment, i) => {
        const param = /^\{(\w+)\}$/.exec(segment);
        if (param) {
          params[param[1]] = segments[i];
          return true;
        }
        return segment === segments[i];
      });
      if (!matches) continue;
      const operation = route.operations.get(method.toUpperCase());
      if (!operation) return { allowed: [...route.operations.keys()] };
      return { operation, pathParams: params };
    }
    return null;
  }
}

function literalScore(route: Route): number {
  return route.segments.reduce((n, s, i) => n + (s.startsWith('{') ? 0 : 2 ** (10 - i)), 0);
}
