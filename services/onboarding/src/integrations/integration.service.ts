import { Injectable, Logger } from '@nestjs/common';
import { AppError, osloToday, SecretBox } from '@pos-tripletex/platform';
import { CompanyClients, TripletexClient, TripletexCompanyClient } from '@pos-tripletex/tripletex';
import { DataSource, EntityManager } from 'typeorm';
import {
  InvoicingDto,
  OtherEventsDto,
  PaymentMethodsDto,
  ProductGroupsDto,
  StartDateDto,
} from './dto/wizard.dto';
import {
  DEFAULT_INVOICING,
  DEFAULT_SALES_EXPORT,
  IntegrationEntity,
  InvoicingSettings,
  SalesExportSettings,
  WIZARD_STEPS,
  WizardStep,
} from './entities/integration.entity';
import { IntegrationPublisher } from './integration-publisher';
import { explainTripletexFailure, OnboardingErrors, StepProblem } from './integration.errors';
import { MappingChecker } from './mapping-checker';
import { TokenVerifier } from './token-verifier';

/** What BackOffice sees of an integration: wizard state and settings, never the token. */
export interface IntegrationView {
  companyId: string;
  status: IntegrationEntity['status'];
  statusReason: string | null;
  tripletex: { companyId: number; name: string | null; organizationNumber: string | null } | null;
  tokenStored: boolean;
  tokenVerifiedAt: string | null;
  bankAccountRegistered: boolean;
  completedSteps: WizardStep[];
  nextStep: WizardStep | 'finish' | null;
  startDate: string | null;
  dayCutoffHour: number;
  paymentMethods: IntegrationEntity['paymentMethods'];
  productGroups: IntegrationEntity['productGroups'];
  productGroupsTakeaway: IntegrationEntity['productGroupsTakeaway'];
  otherEvents: IntegrationEntity['otherEvents'];
  invoicing: InvoicingSettings;
  salesExport: SalesExportSettings;
  configVersion: number;
  activatedAt: string | null;
}

export interface TokenVerification {
  integration: IntegrationView;
  /** Things the operator should know that do not stop the wizard (e.g. no bank account number). */
  warnings: { code: string; message: string }[];
}

/**
 * The Tripletex integration of each company: verifying and storing the token (encrypted), the
 * wizard steps (saved and resumable), finishing (everything checked against Tripletex), later
 * changes one section at a time, deactivation, and re-verification. Every change that matters to
 * other services is published in the same transaction.
 */
@Injectable()
export class IntegrationService {
  private readonly logger = new Logger(IntegrationService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly secrets: SecretBox,
    private readonly verifier: TokenVerifier,
    private readonly checker: MappingChecker,
    private readonly publisher: IntegrationPublisher,
    private readonly tripletex: TripletexClient,
    private readonly clients: CompanyClients,
  ) {}

  async get(companyId: string): Promise<IntegrationView> {
    const row = await this.dataSource
      .getRepository(IntegrationEntity)
      .findOne({ where: { companyId } });
    if (!row) throw OnboardingErrors.notFound(companyId);
    return this.view(row);
  }

  // ---- step 1: the token --------------------------------------------------------------------

  async verifyToken(
    companyId: string,
    employeeToken: string,
    correlationId?: string,
  ): Promise<TokenVerification> {
    const verified = await this.verifier.verify(employeeToken);
    const warnings: TokenVerification['warnings'] = [];
    if (!verified.bankAccountRegistered) {
      warnings.push({ code: 'NO_BANK_ACCOUNT', message: OnboardingErrors.noBankAccount().message });
    }
    const row = await this.dataSource.transaction(async (tx) => {
      let i = await this.lock(tx, companyId);
      if (!i) {
        i = tx.getRepository(IntegrationEntity).create({
          companyId,
          status: 'ONBOARDING',
          completedSteps: [],
          paymentMethods: [],
          productGroups: [],
          productGroupsTakeaway: [],
          otherEvents: [],
          invoicing: DEFAULT_INVOICING,
          salesExport: DEFAULT_SALES_EXPORT,
          dayCutoffHour: 4,
          configVersion: 0,
          bankAccountRegistered: false,
        });
      }
      if (
        i.tripletexCompanyId !== null &&
        i.tripletexCompanyId !== verified.tripletexCompanyId &&
        i.completedSteps.length > 1
      ) {
        // Another Tripletex company: its accounts differ, so the mappings no longer apply.
        warnings.push({
          code: 'OTHER_TRIPLETEX_COMPANY',
          message: `This token belongs to ${verified.companyName}, not the Tripletex company set up before: choose the accounts again.`,
        });
        i.completedSteps = [];
        i.paymentMethods = [];
        i.productGroups = [];
        i.productGroupsTakeaway = [];
        i.otherEvents = [];
        if (i.status !== 'INACTIVE') i.status = 'ONBOARDING';
      }
      const sealed = this.secrets.seal(employeeToken, companyId);
      Object.assign(i, {
        tripletexCompanyId: verified.tripletexCompanyId,
        tripletexCompanyName: verified.companyName,
        tripletexOrganizationNumber: verified.organizationNumber,
        tripletexEmployeeId: verified.employeeId,
        tokenKeyId: sealed.keyId,
        tokenCiphertext: sealed.value,
        tokenVerifiedAt: new Date(),
        bankAccountRegistered: verified.bankAccountRegistered,
        reverifyRequestedAt: null,
      });
      this.markStep(i, 'token');
      if (i.status === 'INACTIVE' || i.status === 'NEEDS_ATTENTION') {
        // Reconnecting: active again if the wizard was finished before, else back to the wizard.
        i.status = i.activatedAt && this.missingSteps(i).length === 0 ? 'ACTIVE' : 'ONBOARDING';
        i.statusReason = null;
      }
      if (i.invoicing.enabled && !verified.bankAccountRegistered) {
        i.invoicing = { ...i.invoicing, enabled: false };
        warnings.push({
          code: 'INVOICING_TURNED_OFF',
          message: 'Invoicing was turned off: ' + OnboardingErrors.noBankAccount().message,
        });
      }
      i = await tx.getRepository(IntegrationEntity).save(i);
      if (i.status === 'ACTIVE') await this.publishAndSave(tx, i, correlationId);
      return i;
    });
    this.tripletex.forget(companyId);
    this.logger.log(
      { companyId, tripletexCompanyId: verified.tripletexCompanyId },
      'Tripletex token verified and stored',
    );
    return { integration: this.view(row), warnings };
  }

  // ---- steps 2-7 ------------------------------------------------------------------------------

  setStartDate(
    companyId: string,
    dto: StartDateDto,
    correlationId?: string,
  ): Promise<IntegrationView> {
    const today = osloToday();
    if (dto.startDate > today) throw OnboardingErrors.startDateInFuture(today);
    return this.saveStep(companyId, 'start-date', correlationId, (i) => {
      i.startDate = dto.startDate;
      if (dto.dayCutoffHour !== undefined) i.dayCutoffHour = dto.dayCutoffHour;
      i.salesExport = {
        sendToLedger: dto.sendToLedger ?? i.salesExport.sendToLedger,
        graceMinutes: dto.graceMinutes ?? i.salesExport.graceMinutes,
      };
    });
  }

  async setPaymentMethods(
    companyId: string,
    dto: PaymentMethodsDto,
    correlationId?: string,
  ): Promise<IntegrationView> {
    const invoice = dto.paymentMethods.filter((m) => m.method === 'INVOICE' && m.accountId != null);
    if (invoice.length) {
      throw OnboardingErrors.problems(
        'ONBOARDING.INVOICE_METHOD_NEEDS_NO_ACCOUNT',
        'The Invoice payment method needs no account: Tripletex books invoiced sales on the invoice itself.',
        invoice.map((m) => ({
          step: 'payment-methods',
          posId: m.paymentMethodId,
          code: 'INVOICE_METHOD',
          message: 'Leave the Invoice method without an account.',
        })),
      );
    }
    this.rejectDuplicates(
      'payment-methods',
      dto.paymentMethods.map((m) => m.paymentMethodId),
    );
    const numbers = await this.accountNumbers(
      companyId,
      dto.paymentMethods.map((m) => m.accountId),
    );
    return this.saveStep(companyId, 'payment-methods', correlationId, (i) => {
      i.paymentMethods = dto.paymentMethods
        .filter((m) => m.method !== 'INVOICE')
        .map((m) => ({
          paymentMethodId: m.paymentMethodId,
          name: m.name,
          accountId: m.accountId ?? null,
          accountNumber: numbers.get(m.accountId ?? -1) ?? null,
        }));
    });
  }

  async setProductGroups(
    companyId: string,
    takeaway: boolean,
    dto: ProductGroupsDto,
    correlationId?: string,
  ): Promise<IntegrationView> {
    const step: WizardStep = takeaway ? 'product-groups-takeaway' : 'product-groups';
    this.rejectDuplicates(
      step,
      dto.productGroups.map((g) => g.productGroupId),
    );
    const numbers = await this.accountNumbers(
      companyId,
      dto.productGroups.map((g) => g.accountId),
    );
    return this.saveStep(companyId, step, correlationId, (i) => {
      const groups = dto.productGroups.map((g) => ({
        productGroupId: g.productGroupId,
        name: g.name,
        vatRate: g.vatRate,
        accountId: g.accountId ?? null,
        accountNumber: numbers.get(g.accountId ?? -1) ?? null,
      }));
      if (takeaway) i.productGroupsTakeaway = groups;
      else i.productGroups = groups;
    });
  }

  async setOtherEvents(
    companyId: string,
    dto: OtherEventsDto,
    correlationId?: string,
  ): Promise<IntegrationView> {
    this.rejectDuplicates(
      'other-events',
      dto.otherEvents.map((e) => e.event),
    );
    const numbers = await this.accountNumbers(
      companyId,
      dto.otherEvents.map((e) => e.accountId),
    );
    return this.saveStep(companyId, 'other-events', correlationId, (i) => {
      i.otherEvents = dto.otherEvents.map((e) => ({
        event: e.event,
        accountId: e.accountId ?? null,
        accountNumber: numbers.get(e.accountId ?? -1) ?? null,
      }));
    });
  }

  async setInvoicing(
    companyId: string,
    dto: InvoicingDto,
    correlationId?: string,
  ): Promise<IntegrationView> {
    let bankAccountRegistered: boolean | undefined;
    if (dto.enabled) {
      // Checked live: the operator may have registered the number since the token step.
      bankAccountRegistered = (
        await this.companyClient(await this.load(companyId)).bankAccountStatus()
      ).registered;
      if (!bankAccountRegistered) {
        await this.dataSource
          .getRepository(IntegrationEntity)
          .update({ companyId }, { bankAccountRegistered: false });
        throw OnboardingErrors.noBankAccount();
      }
    }
    return this.saveStep(companyId, 'invoicing', correlationId, (i) => {
      if (bankAccountRegistered !== undefined) i.bankAccountRegistered = bankAccountRegistered;
      i.invoicing = {
        enabled: dto.enabled,
        sendToCustomer: dto.sendToCustomer ?? i.invoicing.sendToCustomer,
        collective: {
          enabled: dto.enabled && (dto.collective?.enabled ?? false),
          cadence: dto.collective?.cadence ?? i.invoicing.collective.cadence,
        },
      };
    });
  }

  // ---- step 8: finish -------------------------------------------------------------------------

  async finish(companyId: string, correlationId?: string): Promise<IntegrationView> {
    const current = await this.load(companyId);
    const problems: StepProblem[] = this.missingSteps(current).map((step) => ({
      step,
      code: 'STEP_NOT_DONE',
      message: `Complete the step "${step}".`,
    }));
    if (current.paymentMethods.length === 0 && current.completedSteps.includes('payment-methods')) {
      problems.push({
        step: 'payment-methods',
        code: 'NONE',
        message: 'Map at least one payment method.',
      });
    }
    if (
      current.productGroups.length + current.productGroupsTakeaway.length === 0 &&
      current.completedSteps.includes('product-groups')
    ) {
      problems.push({
        step: 'product-groups',
        code: 'NONE',
        message: 'Map at least one product group.',
      });
    }
    problems.push(...(await this.checkAgainstTripletex(current, WIZARD_STEPS)));
    if (current.invoicing.enabled) {
      const bank = await this.companyClient(current).bankAccountStatus();
      if (!bank.registered)
        problems.push({
          step: 'invoicing',
          code: 'NO_BANK_ACCOUNT',
          message: OnboardingErrors.noBankAccount().message,
        });
    }
    if (problems.length > 0) {
      throw OnboardingErrors.problems(
        'ONBOARDING.INCOMPLETE',
        `The integration cannot be activated yet: ${problems[0].message}`,
        problems,
      );
    }
    const row = await this.dataSource.transaction(async (tx) => {
      const i = (await this.lock(tx, companyId)) as IntegrationEntity;
      i.status = 'ACTIVE';
      i.statusReason = null;
      i.activatedAt ??= new Date();
      await this.publishAndSave(tx, i, correlationId);
      return i;
    });
    this.logger.log(
      { companyId, configVersion: row.configVersion },
      'Tripletex integration activated',
    );
    return this.view(row);
  }

  // ---- deactivation and re-verification -----------------------------------------------------

  async deactivate(companyId: string, correlationId?: string): Promise<IntegrationView> {
    const row = await this.dataSource.transaction(async (tx) => {
      const i = await this.lock(tx, companyId);
      if (!i) throw OnboardingErrors.notFound(companyId);
      const wasPublished = i.configVersion > 0;
      Object.assign(i, {
        status: 'INACTIVE',
        statusReason: 'deactivated in BackOffice',
        tokenKeyId: null,
        tokenCiphertext: null,
        tokenVerifiedAt: null,
      });
      i.completedSteps = i.completedSteps.filter((s) => s !== 'token');
      if (wasPublished) await this.publishAndSave(tx, i, correlationId);
      else await tx.getRepository(IntegrationEntity).save(i);
      return i;
    });
    this.tripletex.forget(companyId);
    this.logger.log({ companyId }, 'Tripletex integration deactivated; token deleted');
    return this.view(row);
  }

  /** Checks the stored token again; marks the integration as needing attention (or well again). */
  async reverify(companyId: string, correlationId?: string): Promise<IntegrationView> {
    const current = await this.load(companyId);
    if (!current.tokenCiphertext || current.status === 'INACTIVE') return this.view(current);
    let problem: string | null = null;
    let bankAccountRegistered = current.bankAccountRegistered;
    const token = this.secrets.open(
      { keyId: current.tokenKeyId as string, value: current.tokenCiphertext },
      companyId,
    );
    try {
      const verified = await this.verifier.verify(token);
      bankAccountRegistered = verified.bankAccountRegistered;
      if (verified.tripletexCompanyId !== current.tripletexCompanyId)
        problem = 'the token now belongs to another Tripletex company';
      else if (current.invoicing.enabled && !verified.bankAccountRegistered)
        problem = OnboardingErrors.noBankAccount().message;
    } catch (error) {
      if (
        error instanceof AppError &&
        !error.retriable &&
        error.code !== 'ONBOARDING.CONSUMER_TOKEN_REJECTED'
      ) {
        problem = error.message;
      } else {
        this.logger.warn(
          { companyId },
          `could not re-verify the token now: ${(error as Error).message}`,
        );
        return this.view(current);
      }
    }
    const row = await this.dataSource.transaction(async (tx) => {
      const i = (await this.lock(tx, companyId)) as IntegrationEntity;
      i.tokenVerifiedAt = problem ? i.tokenVerifiedAt : new Date();
      i.bankAccountRegistered = bankAccountRegistered;
      i.reverifyRequestedAt = null;
      if (
        !problem &&
        this.secrets.isStale({ keyId: i.tokenKeyId as string, value: i.tokenCiphertext as string })
      ) {
        const sealed = this.secrets.seal(token, companyId); // key rotation: re-encrypt with the active key
        i.tokenKeyId = sealed.keyId;
        i.tokenCiphertext = sealed.value;
      }
      const before = `${i.status}|${i.statusReason}|${i.tokenKeyId}`;
      if (problem && i.status !== 'ONBOARDING') {
        i.status = 'NEEDS_ATTENTION';
        i.statusReason = problem;
      } else if (!problem && i.status === 'NEEDS_ATTENTION') {
        i.status = 'ACTIVE';
        i.statusReason = null;
      }
      const changed = before !== `${i.status}|${i.statusReason}|${i.tokenKeyId}`;
      if (changed && i.configVersion > 0) await this.publishAndSave(tx, i, correlationId);
      else await tx.getRepository(IntegrationEntity).save(i);
      return i;
    });
    if (problem)
      this.logger.warn({ companyId }, `Tripletex integration needs attention: ${problem}`);
    return this.view(row);
  }

  /**
   * Claims up to `limit` companies whose token is due for a check (asked for by a service, or not
   * checked for `olderThanMs`), each for `leaseSeconds`: no other instance takes it meanwhile, and a
   * check that could not be made is not tried again before the lease ends.
   */
  async claimDueForReverification(
    olderThanMs: number,
    limit: number,
    leaseSeconds: number,
  ): Promise<string[]> {
    const rows = await this.dataSource.query<{ company_id: string }[]>(
      `WITH claimed AS (UPDATE integrations i SET reverify_lease_until = now() + make_interval(secs => $3)
       WHERE i.company_id IN (
         SELECT company_id FROM integrations
         WHERE token_ciphertext IS NOT NULL AND status <> 'INACTIVE'
           AND (reverify_lease_until IS NULL OR reverify_lease_until < now())
           AND (reverify_requested_at IS NOT NULL OR token_verified_at IS NULL OR token_verified_at < now() - make_interval(secs => $1))
         ORDER BY reverify_requested_at NULLS LAST, token_verified_at NULLS FIRST
         LIMIT $2
         FOR UPDATE SKIP LOCKED)
         AND (i.reverify_lease_until IS NULL OR i.reverify_lease_until < now())
       RETURNING i.company_id) SELECT company_id FROM claimed`,
      [olderThanMs / 1000, limit, leaseSeconds],
    );
    return rows.map((r) => r.company_id);
  }

  async requestReverification(tx: EntityManager, companyId: string): Promise<void> {
    // A request clears the spacing lease: the check happens at once.
    await tx.query(
      'UPDATE integrations SET reverify_requested_at = now(), reverify_lease_until = NULL WHERE company_id = $1',
      [companyId],
    );
  }

  // ---- look-ups ------------------------------------------------------------------------------

  async companyClientFor(companyId: string): Promise<TripletexCompanyClient> {
    return this.companyClient(await this.load(companyId));
  }

  // ---- internals -----------------------------------------------------------------------------

  private async saveStep(
    companyId: string,
    step: WizardStep,
    correlationId: string | undefined,
    apply: (i: IntegrationEntity) => void,
  ): Promise<IntegrationView> {
    const current = await this.load(companyId);
    if (!current.completedSteps.includes('token') && current.status !== 'ACTIVE')
      throw OnboardingErrors.tokenRequired();
    if (current.status === 'ACTIVE' || current.status === 'NEEDS_ATTENTION') {
      // A live integration only takes a change that still passes the checks against Tripletex.
      const draft = Object.assign(
        Object.create(IntegrationEntity.prototype) as IntegrationEntity,
        current,
      );
      apply(draft);
      const problems = await this.checkAgainstTripletex(draft, [step]);
      if (problems.length)
        throw OnboardingErrors.problems(
          'ONBOARDING.INVALID_MAPPING',
          problems[0].message,
          problems,
        );
    }
    const row = await this.dataSource.transaction(async (tx) => {
      const i = (await this.lock(tx, companyId)) as IntegrationEntity;
      apply(i);
      this.markStep(i, step);
      if (i.status === 'ACTIVE' || i.status === 'NEEDS_ATTENTION')
        await this.publishAndSave(tx, i, correlationId);
      else await tx.getRepository(IntegrationEntity).save(i);
      return i;
    });
    return this.view(row);
  }

  private async checkAgainstTripletex(
    i: IntegrationEntity,
    steps: readonly WizardStep[],
  ): Promise<StepProblem[]> {
    try {
      return await this.checker.check(this.companyClient(i), i, steps);
    } catch (error) {
      throw this.tripletexProblem(error);
    }
  }

  private async accountNumbers(
    companyId: string,
    ids: (number | null | undefined)[],
  ): Promise<Map<number, number>> {
    const wanted = ids.filter((id): id is number => typeof id === 'number');
    if (wanted.length === 0) return new Map();
    const i = await this.load(companyId);
    if (!i.tokenCiphertext) throw OnboardingErrors.tokenRequired();
    try {
      const accounts = await this.companyClient(i).accountsByIds(wanted, 'id,number');
      return new Map(accounts.map((a) => [a.id as number, a.number as number]));
    } catch (error) {
      throw this.tripletexProblem(error);
    }
  }

  private tripletexProblem(error: unknown): AppError {
    return explainTripletexFailure(error, 'the chart of accounts');
  }

  private companyClient(i: IntegrationEntity): TripletexCompanyClient {
    return this.clients.forCompany(
      i.companyId,
      { keyId: i.tokenKeyId ?? undefined, value: i.tokenCiphertext ?? undefined },
      () => OnboardingErrors.tokenRequired(),
    );
  }

  private rejectDuplicates(step: WizardStep, ids: string[]): void {
    const seen = new Set<string>();
    const dupes = ids.filter((id) => (seen.has(id) ? true : (seen.add(id), false)));
    if (dupes.length) {
      throw OnboardingErrors.problems(
        'ONBOARDING.DUPLICATE',
        `Each POS item may be mapped once; ${dupes[0]} appears more than once.`,
        dupes.map((posId) => ({
          step,
          posId,
          code: 'DUPLICATE',
          message: `${posId} appears more than once.`,
        })),
      );
    }
  }

  private missingSteps(i: IntegrationEntity): WizardStep[] {
    return WIZARD_STEPS.filter((s) => !i.completedSteps.includes(s));
  }

  private markStep(i: IntegrationEntity, step: WizardStep): void {
    if (!i.completedSteps.includes(step)) i.completedSteps = [...i.completedSteps, step];
  }

  private async publishAndSave(
    tx: EntityManager,
    i: IntegrationEntity,
    correlationId?: string,
  ): Promise<void> {
    await this.publisher.publish(tx, i, correlationId);
    await tx.getRepository(IntegrationEntity).save(i);
  }

  private async load(companyId: string): Promise<IntegrationEntity> {
    const row = await this.dataSource
      .getRepository(IntegrationEntity)
      .findOne({ where: { companyId } });
    if (!row) throw OnboardingErrors.notFound(companyId);
    return row;
  }

  private lock(tx: EntityManager, companyId: string): Promise<IntegrationEntity | null> {
    return tx
      .getRepository(IntegrationEntity)
      .findOne({ where: { companyId }, lock: { mode: 'pessimistic_write' } });
  }

  private view(i: IntegrationEntity): IntegrationView {
    const missing = this.missingSteps(i);
    return {
      companyId: i.companyId,
      status: i.status,
      statusReason: i.statusReason,
      tripletex:
        i.tripletexCompanyId === null
          ? null
          : {
              companyId: i.tripletexCompanyId,
              name: i.tripletexCompanyName,
              organizationNumber: i.tripletexOrganizationNumber,
            },
      tokenStored: i.tokenCiphertext !== null,
      tokenVerifiedAt: i.tokenVerifiedAt?.toISOString() ?? null,
      bankAccountRegistered: i.bankAccountRegistered,
      completedSteps: i.completedSteps,
      nextStep: i.status === 'ACTIVE' ? null : (missing[0] ?? 'finish'),
      startDate: i.startDate,
      dayCutoffHour: i.dayCutoffHour,
      paymentMethods: i.paymentMethods,
      productGroups: i.productGroups,
      productGroupsTakeaway: i.productGroupsTakeaway,
      otherEvents: i.otherEvents,
      invoicing: i.invoicing,
      salesExport: i.salesExport,
      configVersion: i.configVersion,
      activatedAt: i.activatedAt?.toISOString() ?? null,
    };
  }
}
