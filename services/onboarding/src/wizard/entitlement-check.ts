import { Injectable } from '@nestjs/common';
import {
  Capability,
  capabilitiesFor,
  EffectiveEntitlements,
  missingEntitlements,
  TripletexCompanyClient,
} from '@pos-tripletex/tripletex';
import { IntegrationEntity } from '../integrations/entities/integration.entity';
import {
  entitlementProblems,
  ENTITLEMENTS,
  explainTripletexFailure,
  OnboardingErrors,
  StepProblem,
} from '../onboarding.errors';

/**
 * What the chosen settings make the product do in Tripletex, checked against the token's
 * effective rights (its employee's entitlements and, in a proxy login, the actual employee's):
 * customer sync and its webhooks always, vouchers straight into the ledger with `sendToLedger`,
 * orders and invoices with invoicing.
 */
@Injectable()
export class EntitlementCheck {
  /** The capabilities an integration's settings use (sendToLedger only once it was chosen). */
  static capabilitiesOf(integration: IntegrationEntity | null): Capability[] {
    return capabilitiesFor({
      sendToLedger:
        integration !== null &&
        integration.completedSteps.includes('start-date') &&
        integration.salesExport.sendToLedger,
      invoicing: integration?.invoicing.enabled ?? false,
    });
  }

  /** The problems, one per missing right, from rights already read. */
  problemsOf(rights: EffectiveEntitlements, capabilities: Capability[]): StepProblem[] {
    return entitlementProblems(missingEntitlements(rights, capabilities), rights);
  }

  /** Reads the token's rights now and lists what `capabilities` need and it lacks. */
  async problems(
    client: TripletexCompanyClient,
    capabilities: Capability[],
  ): Promise<StepProblem[]> {
    return this.problemsOf(await this.rights(client), capabilities);
  }

  /** ONBOARDING.MISSING_ENTITLEMENT naming each missing right and its setting. */
  async refuseMissing(client: TripletexCompanyClient, capabilities: Capability[]): Promise<void> {
    const found = await this.problems(client, capabilities);
    if (found.length > 0) throw OnboardingErrors.missingEntitlement(found);
  }

  async rights(client: TripletexCompanyClient): Promise<EffectiveEntitlements> {
    try {
      return await client.effectiveEntitlements();
    } catch (error) {
      throw explainTripletexFailure(error, ENTITLEMENTS);
    }
  }
}
