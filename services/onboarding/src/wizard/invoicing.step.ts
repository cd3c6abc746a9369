import { Injectable } from '@nestjs/common';
import { Actor } from '@pos-tripletex/platform';
import { IntegrationClients } from '../integrations/integration-clients';
import { IntegrationLifecycle } from '../integrations/integration.lifecycle';
import { OnboardingErrors } from '../onboarding.errors';
import { InvoicingDto } from './dto/wizard.dto';
import { EntitlementCheck } from './entitlement-check';
import { WizardService } from './wizard.service';
import { IntegrationView } from './wizard.view';

/**
 * Step 7: invoicing through Tripletex and collective invoicing (needs a bank account number on
 * the invoice bank account, and the token's invoicing right).
 */
@Injectable()
export class InvoicingStep {
  constructor(
    private readonly wizard: WizardService,
    private readonly lifecycle: IntegrationLifecycle,
    private readonly clients: IntegrationClients,
    private readonly entitlements: EntitlementCheck,
  ) {}

  async save(
    companyId: string,
    dto: InvoicingDto,
    actor: Actor,
    correlationId?: string,
  ): Promise<IntegrationView> {
    let bankAccountRegistered: boolean | undefined;
    if (dto.enabled) {
      // Checked live: the operator may have registered the number since the token step.
      const client = await this.clients.forCompany(companyId);
      await this.entitlements.refuseMissing(client, ['INVOICING']);
      bankAccountRegistered = (await client.bankAccountStatus()).registered;
      if (!bankAccountRegistered) {
        await this.lifecycle.recordNoBankAccount(companyId);
        throw OnboardingErrors.noBankAccount();
      }
    }
    return this.wizard.saveStep(
      companyId,
      'invoicing',
      (integration) => {
        if (bankAccountRegistered !== undefined)
          integration.bankAccountRegistered = bankAccountRegistered;
        const sendType =
          dto.sendType === undefined ? integration.invoicing.sendType : (dto.sendType ?? undefined);
        integration.invoicing = {
          enabled: dto.enabled,
          sendToCustomer: dto.sendToCustomer ?? integration.invoicing.sendToCustomer,
          ...(sendType ? { sendType } : {}),
          collective: {
            enabled: dto.enabled && (dto.collective?.enabled ?? false),
            cadence: dto.collective?.cadence ?? integration.invoicing.collective.cadence,
          },
        };
      },
      actor,
      correlationId,
    );
  }
}
