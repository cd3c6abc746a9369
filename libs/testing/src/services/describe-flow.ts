import { SecretBindings } from '@pos-tripletex/platform';
import { Topics } from '@pos-tripletex/contracts';
import { anIntegrationConfig, ConfigSpec } from '../builders/integration-config.builder';
import { eventually } from '../eventually';
import { SandboxCompany } from '../sandbox/test-sandbox';
import { backOfficeJwt } from './secrets';
import { ServiceUnderTest, ServiceUnderTestOptions } from './service-under-test';

// Tests read the API's answers loosely, the way an assertion does; `any` is their default.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface ApiAnswer<T = any> {
  status: number;
  body: T;
}

/** What a flow suite does with its spawned service: call its API, give a company its settings. */
export class Flow {
  constructor(readonly sut: ServiceUnderTest) {}

  /** A BackOffice call (`path` from the root, e.g. `/v1/companies/co_1/days`) as that company. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  api<T = any>(
    companyId: string,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<ApiAnswer<T>> {
    return this.apiWith(backOfficeJwt(this.sut.jwtSecret, companyId), method, path, body);
  }

  /** A call with this bearer token (`backOfficeJwt(flow.sut.jwtSecret, …)` with its options). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async apiWith<T = any>(
    jwt: string,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<ApiAnswer<T>> {
    const res = await fetch(`${this.sut.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${jwt}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return {
      status: res.status,
      body: (res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text) as T,
    };
  }

  /** The company's audit trail in this service, as BackOffice reads it (`query`: filters, paging). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  audit<T = any>(
    companyId: string,
    query: Record<string, string | number> = {},
  ): Promise<ApiAnswer<T>> {
    const search = new URLSearchParams(
      Object.fromEntries(Object.entries(query).map(([key, value]) => [key, String(value)])),
    ).toString();
    return this.api(
      companyId,
      'GET',
      `/v1/companies/${companyId}/audit${search ? `?${search}` : ''}`,
    );
  }

  /**
   * Publishes the company's integration.config.v1 (onboarding's event, the token sealed as
   * onboarding seals it) and waits until the service's replica holds this version.
   */
  async settings(
    tripletex: SandboxCompany,
    spec: Omit<ConfigSpec, 'tripletexCompanyId' | 'employeeToken'>,
  ): Promise<Record<string, unknown>> {
    const config = anIntegrationConfig({
      ...spec,
      tripletexCompanyId: tripletex.companyId,
      employeeToken: this.sut.box.seal(
        tripletex.employeeToken,
        SecretBindings.tripletexToken(spec.companyId),
      ),
    });
    await this.sut.kafka.produce(Topics.IntegrationConfigV1, [
      { key: spec.companyId, value: config },
    ]);
    await eventually(async () => {
      const [row] = await this.sut.schema.query<{ version: number }>(
        'SELECT version FROM company_settings WHERE company_id = $1',
        [spec.companyId],
      );
      expect(row?.version).toBeGreaterThanOrEqual(spec.version);
    });
    return config;
  }
}

/**
 * A flow suite: the service as its own process (ServiceUnderTest) started once before the
 * suite's tests and stopped after them. `flow()` is the running flow, inside hooks and tests.
 * Only flows a whole process can show belong here (Kafka in and out, crashes, two instances,
 * shutdown); one use case's decisions are medium tests.
 */
export function describeFlow(
  name: string,
  options: ServiceUnderTestOptions,
  body: (flow: () => Flow) => void,
): void {
  describe(name, () => {
    let running: Flow | undefined;
    beforeAll(async () => {
      running = new Flow(await ServiceUnderTest.start(options));
    }, 120_000);
    afterAll(async () => {
      await running?.sut.stop();
    });
    body(() => {
      if (!running) throw new Error(`${name}: the service did not start`);
      return running;
    });
  });
}
