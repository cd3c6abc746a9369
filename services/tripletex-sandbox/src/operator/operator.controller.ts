import {
  BadRequestException,
  Body,
  Controller,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  ParseIntPipe,
  Post,
  Put,
  Query,
} from '@nestjs/common';
import { Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { SandboxControls } from '../state/sandbox-controls';
import { WebhookPolicy } from '../webhooks/webhook-policy';
import { SandboxState } from '../state/sandbox-state';
import { SandboxSeeder } from '../state/sandbox-seeder';
import { createCustomer } from '../api/handlers/customer.handlers';
import { UiEdits } from '../state/ui-edits';
import { allEntitlements, isEntitlement } from '../state/entitlements';

class CompanySeedDto {
  @MinLength(1)
  @IsString()
  name!: string;

  @Matches(/^\d{9}$/)
  @IsOptional()
  organizationNumber?: string;

  /** 11-digit Norwegian account number on 1920; null or absent: none registered. */
  @Matches(/^\d{11}$/)
  @IsOptional()
  bankAccountNumber?: string | null;

  @MinLength(8)
  @IsString()
  @IsOptional()
  employeeToken?: string;

  /** The employee token stops working on this day. */
  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  @IsOptional()
  employeeTokenExpiresOn?: string;

  /** Every revenue account VAT-locked with its legal code (3000 → 3, 3001 → 31, 3002 → 33, …). */
  @IsBoolean()
  @IsOptional()
  vatLockedChart?: boolean;
}

class DepartmentDto {
  @MinLength(1)
  @IsString()
  name!: string;

  @MinLength(1)
  @IsString()
  @IsOptional()
  departmentNumber?: string;
}

class ClosePeriodsDto {
  /** Close every accounting period that starts on or before this day; null opens them all. */
  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  @IsOptional()
  through!: string | null;
}

/** An account as changed in Tripletex's UI: VAT lock, legal VAT codes, required dimensions. */
class AccountEditDto {
  @IsBoolean()
  @IsOptional()
  vatLocked?: boolean;

  /** The VAT code (number, e.g. "3") the account is locked to / defaults to. */
  @IsString()
  @IsOptional()
  vatTypeNumber?: string;

  /** The VAT codes (numbers) the account takes; empty: any. */
  @IsString({ each: true })
  @IsArray()
  @IsOptional()
  legalVatTypeNumbers?: string[];

  @IsBoolean()
  @IsOptional()
  requiresDepartment?: boolean;

  @IsBoolean()
  @IsOptional()
  requiresProject?: boolean;

  @IsBoolean()
  @IsOptional()
  isInactive?: boolean;

  @IsIn(['GENERAL', 'CUSTOMER', 'VENDOR', 'EMPLOYEE', 'ASSET'])
  @IsOptional()
  ledgerType?: string;

  /** The company registers (or removes, with null) the bank account number on 1920 or another. */
  @Matches(/^\d{11}$/)
  @IsString()
  @ValidateIf((_, value) => value !== null)
  @IsOptional()
  bankAccountNumber?: string | null;

  @IsBoolean()
  @IsOptional()
  isBankAccount?: boolean;

  /** The bank account invoices are paid to (Tripletex's `Account.isInvoiceAccount`). */
  @IsBoolean()
  @IsOptional()
  isInvoiceAccount?: boolean;
}

/**
 * An administrator changes rights in Tripletex's UI: of the token's employee (`owner`) or, in a
 * proxy login, of the employee actually logged in (`actual`); `proxy` starts (true) or ends
 * (false) a proxy login, whose actual employee starts with every right.
 */
class EntitlementsEditDto {
  @IsBoolean()
  @IsOptional()
  proxy?: boolean;

  @IsIn(['owner', 'actual'])
  @IsOptional()
  employee?: 'owner' | 'actual';

  @IsString({ each: true })
  @IsArray()
  @IsOptional()
  revoke?: string[];

  @IsString({ each: true })
  @IsArray()
  @IsOptional()
  grant?: string[];

  /** Every right (true) or none (false) first, before grant and revoke. */
  @IsBoolean()
  @IsOptional()
  all?: boolean;
}

class RateLimitDto {
  @Min(1)
  @IsInt()
  limit!: number;

  @Min(1)
  @IsInt()
  windowSeconds!: number;

  @Max(1)
  @Min(0)
  @IsNumber()
  @IsOptional()
  omitResetHeaderRatio?: number;
}

class FaultsDto {
  @Max(1)
  @Min(0)
  @IsNumber()
  @IsOptional()
  errorRatio?: number;

  @Max(1)
  @Min(0)
  @IsNumber()
  @IsOptional()
  timeoutRatio?: number;

  @Max(1)
  @Min(0)
  @IsNumber()
  @IsOptional()
  dropRatio?: number;

  @Min(0)
  @IsInt()
  @IsOptional()
  hangMs?: number;
}

class CompanyLatencyDto {
  @Min(1)
  @IsInt()
  companyId!: number;

  @Max(600_000)
  @Min(0)
  @IsInt()
  latencyMs!: number;
}

class ControlsDto {
  @Min(0)
  @IsInt()
  @IsOptional()
  latencyMs?: number;

  /** Latency for single companies' requests (0 removes it): a slow tenant among fast ones. */
  @ValidateNested({ each: true })
  @Type(() => CompanyLatencyDto)
  @IsArray()
  @IsOptional()
  companyLatency?: CompanyLatencyDto[];

  @ValidateNested()
  @Type(() => RateLimitDto)
  @IsOptional()
  rateLimit?: RateLimitDto;

  @ValidateNested()
  @Type(() => FaultsDto)
  @IsOptional()
  faults?: FaultsDto;

  /** Hosts whose plain-http webhook targets are accepted ([] = https only, as Tripletex). */
  @IsString({ each: true })
  @IsArray()
  @IsOptional()
  webhookAllowHttpHosts?: string[];

  /** Pauses between the attempts of one webhook delivery. */
  @Min(0, { each: true })
  @IsInt({ each: true })
  @IsArray()
  @IsOptional()
  webhookRetryDelaysMs?: number[];

  /** Failed attempts in a row after which a subscription is DISABLED_TOO_MANY_ERRORS. */
  @Min(1)
  @IsInt()
  @IsOptional()
  webhookDisableAfterFailures?: number;

  /** Every webhook delivery fails as if its target were unreachable. */
  @IsBoolean()
  @IsOptional()
  webhookOutage?: boolean;
}

class ScriptedFaultDto {
  @IsIn(['status', 'timeout', 'drop'])
  kind!: 'status' | 'timeout' | 'drop';

  @Max(599)
  @Min(400)
  @IsInt()
  @IsOptional()
  status?: number;

  @IsIn(['GET', 'POST', 'PUT', 'DELETE'])
  @IsOptional()
  method?: string;

  @IsString()
  @IsOptional()
  pathPrefix?: string;

  @IsInt()
  @IsOptional()
  companyId?: number;

  @IsBoolean()
  @IsOptional()
  omitResetHeader?: boolean;

  @Min(1)
  @IsInt()
  count = 1;
}

class ClockDto {
  /** Shift of the sandbox's clock in ms (e.g. 8 days to expire sessions). */
  @IsInt()
  offsetMs!: number;
}

class CustomerSeedDto {
  @MinLength(1)
  @IsString()
  name!: string;

  @IsString()
  @IsOptional()
  email?: string;

  @IsString()
  @IsOptional()
  organizationNumber?: string;

  @IsInt()
  @IsOptional()
  customerNumber?: number;

  @IsBoolean()
  @IsOptional()
  isInactive?: boolean;

  @IsBoolean()
  @IsOptional()
  isPrivateIndividual?: boolean;

  @IsInt()
  @IsOptional()
  invoicesDueIn?: number;
}

class GenerateCustomersDto {
  @Max(1_000_000)
  @Min(1)
  @IsInt()
  count!: number;

  @MinLength(1)
  @IsString()
  @IsOptional()
  namePrefix?: string;
}

class CustomersDto {
  @ValidateNested({ each: true })
  @Type(() => CustomerSeedDto)
  customers!: CustomerSeedDto[];
}

class RevokeTokenDto {
  @MinLength(8)
  @IsString()
  employeeToken!: string;
}

class ResetDto {
  @IsBoolean()
  @IsOptional()
  seedDemo?: boolean;
}

/**
 * Operator switches, deliberately outside /v2: seed companies and tokens, latency, rate limit,
 * faults, clock, reset, and read back what was posted (the "ledger") and what was asked.
 */
@Controller('_sandbox')
export class OperatorController {
  constructor(
    private readonly state: SandboxState,
    private readonly controls: SandboxControls,
    private readonly seeder: SandboxSeeder,
    private readonly uiEdits: UiEdits,
    private readonly webhooks: WebhookPolicy,
  ) {}

  @Post('reset')
  @HttpCode(200)
  reset(@Body() body: ResetDto) {
    this.state.reset();
    this.controls.reset();
    this.webhooks.reset();
    this.seeder.seedConsumerTokens();
    if (body.seedDemo ?? true) this.seeder.seedDemo();
    return { reset: true, consumerTokens: [...this.state.consumerTokens].length };
  }

  @Post('companies')
  createCompany(@Body() body: CompanySeedDto) {
    const created = this.state.addCompany({
      ...body,
      bankAccountNumber: body.bankAccountNumber ?? null,
    });
    return { ...created, consumerTokens: this.seeder.consumerTokenHint() };
  }

  @Get('controls')
  getControls() {
    return {
      latencyMs: this.controls.latencyMs,
      companyLatency: [...this.controls.latencyByCompany].map(([companyId, latencyMs]) => ({
        companyId,
        latencyMs,
      })),
      rateLimit: this.controls.rateLimit,
      faults: this.controls.faults,
      scripted: this.controls.scripted,
      webhooks: {
        allowHttpHosts: this.webhooks.allowHttpHosts,
        retryDelaysMs: this.webhooks.retryDelaysMs,
        disableAfterFailures: this.webhooks.disableAfterFailures,
        outage: this.webhooks.outage,
      },
    };
  }

  @Put('controls')
  setControls(@Body() body: ControlsDto) {
    if (body.latencyMs !== undefined) this.controls.latencyMs = body.latencyMs;
    for (const { companyId, latencyMs } of body.companyLatency ?? []) {
      if (latencyMs > 0) this.controls.latencyByCompany.set(companyId, latencyMs);
      else this.controls.latencyByCompany.delete(companyId);
    }
    if (body.rateLimit) this.controls.rateLimit = { omitResetHeaderRatio: 0, ...body.rateLimit };
    if (body.faults) this.controls.faults = { ...this.controls.faults, ...body.faults };
    if (body.webhookAllowHttpHosts)
      this.webhooks.allowHttpHosts = body.webhookAllowHttpHosts.map((h) => h.toLowerCase());
    if (body.webhookRetryDelaysMs) this.webhooks.retryDelaysMs = body.webhookRetryDelaysMs;
    if (body.webhookDisableAfterFailures !== undefined)
      this.webhooks.disableAfterFailures = body.webhookDisableAfterFailures;
    if (body.webhookOutage !== undefined) this.webhooks.outage = body.webhookOutage;
    return this.getControls();
  }

  @Post('faults')
  addFault(@Body() body: ScriptedFaultDto) {
    this.controls.scripted.push({ ...body, remaining: body.count });
    return { scripted: this.controls.scripted };
  }

  @Put('clock')
  setClock(@Body() body: ClockDto) {
    this.state.clockOffsetMs = body.offsetMs;
    return { now: this.state.now().toISOString(), today: this.state.today() };
  }

  @Get('requests')
  requests(@Query('companyId') companyId?: string) {
    const id = companyId === undefined ? undefined : Number(companyId);
    return {
      requests: this.controls.requests.filter((r) => id === undefined || r.companyId === id),
    };
  }

  /** Revokes every session: the next call with one gets 401 (tests of session renewal). */
  @Post('sessions/revoke')
  @HttpCode(200)
  revokeSessions() {
    const revoked = this.state.sessions.size;
    this.state.sessions.clear();
    return { revoked };
  }

  /** Deletes an employee token, as a Tripletex admin can: new sessions are refused, open ones end. */
  @Post('employee-tokens/revoke')
  @HttpCode(200)
  revokeEmployeeToken(@Body() body: RevokeTokenDto) {
    const known = this.state.employeeTokens.delete(body.employeeToken);
    for (const [token, session] of this.state.sessions) {
      if (session.employeeToken === body.employeeToken) this.state.sessions.delete(token);
    }
    if (!known) throw new NotFoundException('no such employee token');
    return { revoked: true };
  }

  /** Peak concurrent requests per company seen so far (the client's per-company limit shows here). */
  @Get('companies/:id/concurrency')
  concurrency(@Param('id', ParseIntPipe) id: number) {
    const tokens = [...this.state.employeeTokens.entries()]
      .filter(([, e]) => e.companyId === id)
      .map(([t]) => t);
    return { peak: Math.max(0, ...tokens.map((t) => this.controls.peakInFlight.get(t) ?? 0)) };
  }

  /** Customers as if created in Tripletex's UI (webhooks fire): `{ customers: [{ name, ... }] }`. */
  @Post('companies/:id/customers')
  addCustomers(@Param('id', ParseIntPipe) id: number, @Body() body: CustomersDto) {
    const company = this.state.companies.get(id);
    if (!company) throw new NotFoundException(`no sandbox company ${id}`);
    return { customers: body.customers.map((c) => this.uiEdits.createCustomer(company, { ...c })) };
  }

  /** Many customers at once, for benchmarks: `{ count, namePrefix? }` (no webhooks fire). */
  @Post('companies/:id/customers/generate')
  generateCustomers(@Param('id', ParseIntPipe) id: number, @Body() body: GenerateCustomersDto) {
    const company = this.state.companies.get(id);
    if (!company) throw new NotFoundException(`no sandbox company ${id}`);
    const quiet = { state: this.state, events: { emit: () => undefined } };
    for (let i = 0; i < body.count; i++) {
      createCustomer(quiet, company, {
        name: `${body.namePrefix ?? 'Kunde'} ${i}`,
        email: `kunde${i}@example.no`,
      });
    }
    return { generated: body.count, customers: company.customers.size };
  }

  @Put('companies/:id/customers/:customerId')
  updateCustomer(
    @Param('id', ParseIntPipe) id: number,
    @Param('customerId', ParseIntPipe) customerId: number,
    @Body() body: Record<string, unknown>,
  ) {
    const company = this.state.companies.get(id);
    if (!company) throw new NotFoundException(`no sandbox company ${id}`);
    return { customer: this.uiEdits.updateCustomer(company, customerId, body) };
  }

  @Post('companies/:id/customers/:customerId/delete')
  @HttpCode(200)
  deleteCustomer(
    @Param('id', ParseIntPipe) id: number,
    @Param('customerId', ParseIntPipe) customerId: number,
  ) {
    const company = this.state.companies.get(id);
    if (!company) throw new NotFoundException(`no sandbox company ${id}`);
    this.uiEdits.deleteCustomer(company, customerId);
    return { deleted: customerId };
  }

  /** The bookkeeper closes the books through a day (`{ through: null }` opens them again). */
  @Put('companies/:id/periods')
  closePeriods(@Param('id', ParseIntPipe) id: number, @Body() body: ClosePeriodsDto) {
    const company = this.state.companies.get(id);
    if (!company) throw new NotFoundException(`no sandbox company ${id}`);
    this.state.closePeriodsThrough(company, body.through ?? null);
    return {
      closed: [...company.periods.values()].filter((p) => p.isClosed).map((p) => p.name),
    };
  }

  /** A department as if created in Tripletex's UI: `{ name, departmentNumber? }`. */
  @Post('companies/:id/departments')
  addDepartment(@Param('id', ParseIntPipe) id: number, @Body() body: DepartmentDto) {
    const company = this.state.companies.get(id);
    if (!company) throw new NotFoundException(`no sandbox company ${id}`);
    const departmentId = this.state.id();
    const number = body.departmentNumber ?? String(company.departments.size + 1);
    const department = {
      id: departmentId,
      version: 1,
      url: this.state.url('department', departmentId),
      name: body.name,
      departmentNumber: number,
      displayName: `${number} ${body.name}`,
      isInactive: false,
    };
    company.departments.set(departmentId, department);
    return { department };
  }

  /** Changes an account of the company's chart by its number, as in Tripletex's UI. */
  @Put('companies/:id/accounts/:number')
  editAccount(
    @Param('id', ParseIntPipe) id: number,
    @Param('number', ParseIntPipe) number: number,
    @Body() body: AccountEditDto,
  ) {
    const company = this.state.companies.get(id);
    if (!company) throw new NotFoundException(`no sandbox company ${id}`);
    const account = [...company.accounts.values()].find((a) => a.number === number);
    if (!account) throw new NotFoundException(`no account ${number}`);
    const vatByNumber = (n: string) => {
      const vat = [...company.vatTypes.values()].find((v) => v.number === n);
      if (!vat) throw new NotFoundException(`no VAT code ${n}`);
      return vat;
    };
    const { vatTypeNumber, legalVatTypeNumbers, ...flags } = body;
    // Only what the edit names: the DTO's declared fields exist on it even when left out.
    Object.assign(
      account,
      Object.fromEntries(Object.entries(flags).filter(([, value]) => value !== undefined)),
    );
    if (vatTypeNumber !== undefined) account.vatType = vatByNumber(vatTypeNumber);
    if (legalVatTypeNumbers !== undefined)
      account.legalVatTypes = legalVatTypeNumbers.map(vatByNumber);
    account.version += 1;
    return { account };
  }

  /** Rights of the company's token employee and a proxy's actual employee (EntitlementsEditDto). */
  @Put('companies/:id/entitlements')
  editEntitlements(@Param('id', ParseIntPipe) id: number, @Body() body: EntitlementsEditDto) {
    const company = this.state.companies.get(id);
    if (!company) throw new NotFoundException(`no sandbox company ${id}`);
    const unknown = [...(body.grant ?? []), ...(body.revoke ?? [])].filter(
      (name) => !isEntitlement(name),
    );
    if (unknown.length > 0)
      throw new BadRequestException(`no such Tripletex entitlement: ${unknown.join(', ')}`);
    if (body.proxy === true && company.actualEmployeeId === undefined) {
      const actualEmployeeId = this.state.id();
      company.actualEmployeeId = actualEmployeeId;
      company.entitlements.set(actualEmployeeId, allEntitlements());
    } else if (body.proxy === false && company.actualEmployeeId !== undefined) {
      company.entitlements.delete(company.actualEmployeeId);
      company.actualEmployeeId = undefined;
    }
    const employeeId = body.employee === 'actual' ? company.actualEmployeeId : company.employeeId;
    if (employeeId === undefined)
      throw new BadRequestException('no proxy login: set "proxy": true first');
    if (body.all !== undefined)
      company.entitlements.set(employeeId, body.all ? allEntitlements() : new Set());
    const rights = company.entitlements.get(employeeId) ?? new Set<string>();
    company.entitlements.set(employeeId, rights);
    for (const name of body.grant ?? []) rights.add(name);
    for (const name of body.revoke ?? []) rights.delete(name);
    return this.entitlementsOf(company);
  }

  private entitlementsOf(company: {
    employeeId: number;
    actualEmployeeId?: number;
    entitlements: Map<number, Set<string>>;
  }) {
    const of = (employeeId: number | undefined) =>
      employeeId === undefined ? undefined : [...(company.entitlements.get(employeeId) ?? [])];
    return {
      employeeId: company.employeeId,
      actualEmployeeId: company.actualEmployeeId ?? null,
      owner: of(company.employeeId),
      actual: of(company.actualEmployeeId) ?? null,
    };
  }

  @Get('companies/:id/ledger')
  ledger(@Param('id', ParseIntPipe) id: number) {
    const company = this.state.companies.get(id);
    if (!company) throw new NotFoundException(`no sandbox company ${id}`);
    return {
      company: company.company,
      customers: [...company.customers.values()],
      vouchers: [...company.vouchers.values()],
      departments: [...company.departments.values()],
      orders: [...company.orders.values()],
      invoices: [...company.invoices.values()],
      products: [...company.products.values()],
      subscriptions: [...company.subscriptions.values()].map(
        ({ authHeaderValue: _a, hmacSharedSecret: _h, ...s }) => s,
      ),
    };
  }
}
