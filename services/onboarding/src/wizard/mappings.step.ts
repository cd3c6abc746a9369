import { Injectable } from '@nestjs/common';
import { Actor } from '@pos-tripletex/platform';
import { WizardStep } from '../integrations/entities/integration.entity';
import { IntegrationClients } from '../integrations/integration-clients';
import { IntegrationLifecycle } from '../integrations/integration.lifecycle';
import { CHART_OF_ACCOUNTS, explainTripletexFailure, OnboardingErrors } from '../onboarding.errors';
import { OtherEventsDto, PaymentMethodsDto, ProductGroupsDto } from './dto/wizard.dto';
import { refuseAccountForInvoiceMethod, refuseDuplicates } from './step-rules';
import { WizardService } from './wizard.service';
import { IntegrationView } from './wizard.view';

/**
 * Steps 3–6: an account for each POS payment method, product group (eat-in and takeaway) and
 * other event. Each chosen account is stored with its number, read from Tripletex.
 */
@Injectable()
export class MappingsStep {
  constructor(
    private readonly wizard: WizardService,
    private readonly lifecycle: IntegrationLifecycle,
    private readonly clients: IntegrationClients,
  ) {}

  async savePaymentMethods(
    companyId: string,
    dto: PaymentMethodsDto,
    actor: Actor,
    correlationId?: string,
  ): Promise<IntegrationView> {
    refuseAccountForInvoiceMethod(dto.paymentMethods);
    refuseDuplicates(
      'payment-methods',
      dto.paymentMethods.map((method) => method.paymentMethodId),
    );
    const numbers = await this.accountNumbers(
      companyId,
      dto.paymentMethods.map((method) => method.accountId),
    );
    return this.wizard.saveStep(
      companyId,
      'payment-methods',
      (integration) => {
        // Every method as written, the Invoice one too (read back as given; it needs no account,
        // so the finish check and the published mappings leave it out).
        integration.paymentMethods = dto.paymentMethods.map((method) => ({
          paymentMethodId: method.paymentMethodId,
          name: method.name,
          method: method.method ?? null,
          accountId: method.accountId ?? null,
          accountNumber: numbers.get(method.accountId ?? -1) ?? null,
        }));
      },
      actor,
      correlationId,
    );
  }

  async saveProductGroups(
    companyId: string,
    takeaway: boolean,
    dto: ProductGroupsDto,
    actor: Actor,
    correlationId?: string,
  ): Promise<IntegrationView> {
    const step: WizardStep = takeaway ? 'product-groups-takeaway' : 'product-groups';
    // A group sold at several rates (take-away beer 25 %, soda 15 %) has an account per rate.
    refuseDuplicates(
      step,
      dto.productGroups.map((group) => group.productGroupId),
      dto.productGroups.map((group) => `${group.productGroupId} at ${group.vatRate} %`),
    );
    const numbers = await this.accountNumbers(
      companyId,
      dto.productGroups.map((group) => group.accountId),
    );
    return this.wizard.saveStep(
      companyId,
      step,
      (integration) => {
        const groups = dto.productGroups.map((group) => ({
          productGroupId: group.productGroupId,
          name: group.name,
          vatRate: group.vatRate,
          accountId: group.accountId ?? null,
          accountNumber: numbers.get(group.accountId ?? -1) ?? null,
        }));
        if (takeaway) integration.productGroupsTakeaway = groups;
        else integration.productGroups = groups;
      },
      actor,
      correlationId,
    );
  }

  async saveOtherEvents(
    companyId: string,
    dto: OtherEventsDto,
    actor: Actor,
    correlationId?: string,
  ): Promise<IntegrationView> {
    refuseDuplicates(
      'other-events',
      dto.otherEvents.map((event) => event.event),
    );
    const numbers = await this.accountNumbers(
      companyId,
      dto.otherEvents.map((event) => event.accountId),
    );
    return this.wizard.saveStep(
      companyId,
      'other-events',
      (integration) => {
        integration.otherEvents = dto.otherEvents.map((event) => ({
          event: event.event,
          accountId: event.accountId ?? null,
          accountNumber: numbers.get(event.accountId ?? -1) ?? null,
        }));
      },
      actor,
      correlationId,
    );
  }

  /** The account number of each chosen account id (unknown ids are left out: finish names them). */
  private async accountNumbers(
    companyId: string,
    ids: (number | null | undefined)[],
  ): Promise<Map<number, number>> {
    const wanted = ids.filter((id): id is number => typeof id === 'number');
    if (wanted.length === 0) return new Map();
    const integration = await this.lifecycle.load(companyId);
    if (!integration.tokenCiphertext) throw OnboardingErrors.tokenRequired();
    try {
      const accounts = await this.clients.of(integration).accountsByIds(wanted, 'id,number');
      return new Map(accounts.map((account) => [account.id as number, account.number as number]));
    } catch (error) {
      throw explainTripletexFailure(error, CHART_OF_ACCOUNTS);
    }
  }
}
