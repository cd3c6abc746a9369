import { resolve } from 'node:path';
import { SpawnedService } from '../services/spawned-service';

export const SANDBOX_MAIN = resolve(
  __dirname,
  '../../../../services/tripletex-sandbox/dist/main.js',
);
export const TEST_CONSUMER_TOKEN = 'test-consumer-token-0001';

export interface SandboxCompany {
  companyId: number;
  employeeToken: string;
}

/**
 * The Tripletex sandbox as its own process (built dist/main.js), reached over HTTP like the real
 * API, with its operator switches. One per test file: faults and rate limits are sandbox-wide.
 */
export class TestSandbox {
  private constructor(
    private readonly root: string,
    private readonly process?: SpawnedService,
    readonly consumerToken = TEST_CONSUMER_TOKEN,
  ) {}

  /**
   * Services under test listen on plain http at 127.0.0.1, so their webhook targets are allowed
   * here (the sandbox's own default, like Tripletex, is https only): pass
   * `{ SANDBOX_WEBHOOK_ALLOW_HTTP_HOSTS: '' }` for the strict sandbox.
   */
  static async start(env: Record<string, string> = {}): Promise<TestSandbox> {
    const service = await SpawnedService.start(SANDBOX_MAIN, {
      LOG_LEVEL: 'warn',
      SANDBOX_SEED_DEMO: 'false',
      SANDBOX_CONSUMER_TOKENS: TEST_CONSUMER_TOKEN,
      SANDBOX_WEBHOOK_ALLOW_HTTP_HOSTS: '127.0.0.1,localhost',
      // The sandbox keeps every company in memory: not held to the services' heap bound.
      NODE_OPTIONS: '',
      ...env,
    });
    await service.ready();
    return new TestSandbox(service.url, service);
  }

  /** A sandbox that already runs elsewhere (e.g. the compose stack's, on its published port). */
  static at(url: string, consumerToken: string): TestSandbox {
    return new TestSandbox(url.replace(/\/+$/, ''), undefined, consumerToken);
  }

  get url(): string {
    return this.root;
  }

  /** The sandbox's process id (for memory measurements); none for a sandbox found `at` a URL. */
  get pid(): number | undefined {
    return this.process?.child.pid;
  }

  /** The API root clients use, like https://tripletex.no/v2. */
  get apiUrl(): string {
    return `${this.root}/v2`;
  }

  async operator<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<T> {
    const res = await fetch(`${this.root}/_sandbox/${path}`, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`sandbox operator ${method} ${path} → ${res.status}: ${text}`);
    return (text ? JSON.parse(text) : {}) as T;
  }

  createCompany(seed: {
    name: string;
    bankAccountNumber?: string | null;
    organizationNumber?: string;
    employeeTokenExpiresOn?: string;
    /** Every revenue account VAT-locked with its legal code (3000 → 3, 3001 → 31, 3100 → 5, …). */
    vatLockedChart?: boolean;
  }): Promise<SandboxCompany> {
    return this.operator('POST', 'companies', seed);
  }

  setControls(controls: Record<string, unknown>): Promise<unknown> {
    return this.operator('PUT', 'controls', controls);
  }

  /** The next `count` matching requests fail this way. */
  addFault(fault: {
    kind: 'status' | 'timeout' | 'drop';
    status?: number;
    method?: string;
    pathPrefix?: string;
    companyId?: number;
    omitResetHeader?: boolean;
    count?: number;
  }): Promise<unknown> {
    return this.operator('POST', 'faults', fault);
  }

  setClock(offsetMs: number): Promise<unknown> {
    return this.operator('PUT', 'clock', { offsetMs });
  }

  /** Deletes an employee token in "Tripletex": its sessions end, new ones are refused. */
  revokeEmployeeToken(employeeToken: string): Promise<unknown> {
    return this.operator('POST', 'employee-tokens/revoke', { employeeToken });
  }

  revokeSessions(): Promise<unknown> {
    return this.operator('POST', 'sessions/revoke');
  }

  async requests(
    companyId?: number,
  ): Promise<{ method: string; path: string; operationId?: string; status: number }[]> {
    const q = companyId === undefined ? '' : `?companyId=${companyId}`;
    return (
      await this.operator<{
        requests: { method: string; path: string; operationId?: string; status: number }[];
      }>('GET', `requests${q}`)
    ).requests;
  }

  async addCustomers(
    companyId: number,
    customers: Record<string, unknown>[],
  ): Promise<{ id: number }[]> {
    return (
      await this.operator<{ customers: { id: number }[] }>(
        'POST',
        `companies/${companyId}/customers`,
        { customers },
      )
    ).customers;
  }

  /**
   * Account number → the account's id in the company's chart, read through the API as a client
   * would (a session from the consumer and employee tokens).
   */
  async accountIds(company: SandboxCompany, numbers: number[]): Promise<Record<number, number>> {
    const session = await fetch(`${this.apiUrl}/token/session/:create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        consumerToken: this.consumerToken,
        employeeToken: company.employeeToken,
        expirationDate: new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10),
      }),
    });
    if (!session.ok)
      throw new Error(`sandbox session → ${session.status}: ${await session.text()}`);
    const token = ((await session.json()) as { value: { token: string } }).value.token;
    const res = await fetch(
      `${this.apiUrl}/ledger/account?number=${numbers.join(',')}&fields=id,number&count=1000`,
      { headers: { authorization: `Basic ${Buffer.from(`0:${token}`).toString('base64')}` } },
    );
    if (!res.ok) throw new Error(`sandbox accounts → ${res.status}: ${await res.text()}`);
    const page = (await res.json()) as { values: { id: number; number: number }[] };
    return Object.fromEntries(page.values.map((account) => [account.number, account.id]));
  }

  /** Changes a customer as in Tripletex's UI (a new version; webhooks fire). */
  editCustomer(
    companyId: number,
    customerId: number,
    edit: Record<string, unknown>,
  ): Promise<unknown> {
    return this.operator('PUT', `companies/${companyId}/customers/${customerId}`, edit);
  }

  /** The bookkeeper closes the books through `through` (every period starting on or before it). */
  closePeriods(companyId: number, through: string | null): Promise<unknown> {
    return this.operator('PUT', `companies/${companyId}/periods`, { through });
  }

  /** A department, as if created in Tripletex's UI. */
  async addDepartment(
    companyId: number,
    department: { name: string; departmentNumber?: string },
  ): Promise<{ id: number; departmentNumber: string; name: string }> {
    return (
      await this.operator<{ department: { id: number; departmentNumber: string; name: string } }>(
        'POST',
        `companies/${companyId}/departments`,
        department,
      )
    ).department;
  }

  /** Changes an account of the company's chart, as in Tripletex's UI. */
  editAccount(
    companyId: number,
    accountNumber: number,
    edit: {
      vatLocked?: boolean;
      vatTypeNumber?: string;
      legalVatTypeNumbers?: string[];
      requiresDepartment?: boolean;
      requiresProject?: boolean;
      isInactive?: boolean;
      ledgerType?: string;
      /** 11 digits; null removes it (the company cannot invoice without one). */
      bankAccountNumber?: string | null;
      isBankAccount?: boolean;
      /** The bank account invoices are paid to (Tripletex's `Account.isInvoiceAccount`). */
      isInvoiceAccount?: boolean;
    },
  ): Promise<unknown> {
    return this.operator('PUT', `companies/${companyId}/accounts/${accountNumber}`, edit);
  }

  /**
   * Changes rights as an administrator in Tripletex's UI: of the token's employee (`owner`, the
   * default) or of the employee actually logged in (`actual`) in a proxy login, which `proxy`
   * starts (true) or ends (false). `all` first sets every right (true) or none (false).
   */
  editEntitlements(
    companyId: number,
    edit: {
      proxy?: boolean;
      employee?: 'owner' | 'actual';
      grant?: string[];
      revoke?: string[];
      all?: boolean;
    },
  ): Promise<{
    employeeId: number;
    actualEmployeeId: number | null;
    owner: string[];
    actual: string[] | null;
  }> {
    return this.operator('PUT', `companies/${companyId}/entitlements`, edit);
  }

  ledger<T = Record<string, unknown[]>>(companyId: number): Promise<T> {
    return this.operator('GET', `companies/${companyId}/ledger`);
  }

  async peakConcurrency(companyId: number): Promise<number> {
    return (await this.operator<{ peak: number }>('GET', `companies/${companyId}/concurrency`))
      .peak;
  }

  /** Stops the sandbox this object started (one found `at` a URL is left running). */
  async stop(): Promise<void> {
    await this.process?.stop();
  }
}
