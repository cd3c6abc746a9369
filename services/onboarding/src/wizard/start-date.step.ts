import { Injectable } from '@nestjs/common';
import { Actor, osloToday } from '@pos-tripletex/platform';
import { IntegrationClients } from '../integrations/integration-clients';
import { IntegrationLifecycle } from '../integrations/integration.lifecycle';
import { StartDateDto } from './dto/wizard.dto';
import { EntitlementCheck } from './entitlement-check';
import { refuseStartDateInFuture } from './step-rules';
import { WizardService } from './wizard.service';
import { IntegrationView } from './wizard.view';

/**
 * Step 2: the first business day to export, the day's cut-off and the sales-export settings;
 * vouchers straight into the ledger (`sendToLedger`) need the token's "Advanced Voucher" right.
 */
@Injectable()
export class StartDateStep {
  constructor(
    private readonly wizard: WizardService,
    private readonly lifecycle: IntegrationLifecycle,
    private readonly clients: IntegrationClients,
    private readonly entitlements: EntitlementCheck,
  ) {}

  async save(
    companyId: string,
    dto: StartDateDto,
    actor: Actor,
    correlationId?: string,
  ): Promise<IntegrationView> {
    refuseStartDateInFuture(dto.startDate, osloToday());
    const current = await this.lifecycle.load(companyId);
    // Without a token saveStep refuses the step (TOKEN_REQUIRED); with one, the right is checked live.
    if ((dto.sendToLedger ?? current.salesExport.sendToLedger) && current.tokenCiphertext)
      await this.entitlements.refuseMissing(this.clients.of(current), ['POST_VOUCHERS_TO_LEDGER']);
    return this.wizard.saveStep(
      companyId,
      'start-date',
      (integration) => {
        integration.startDate = dto.startDate;
        if (dto.dayCutoffHour !== undefined) integration.dayCutoffHour = dto.dayCutoffHour;
        integration.salesExport = {
          sendToLedger: dto.sendToLedger ?? integration.salesExport.sendToLedger,
          graceMinutes: dto.graceMinutes ?? integration.salesExport.graceMinutes,
        };
      },
      actor,
      correlationId,
    );
  }
}
