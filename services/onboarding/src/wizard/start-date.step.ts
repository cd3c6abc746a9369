import { Injectable } from '@nestjs/common';
import { osloToday } from '@pos-tripletex/platform';
import { StartDateDto } from './dto/wizard.dto';
import { refuseStartDateInFuture } from './step-rules';
import { WizardService } from './wizard.service';
import { IntegrationView } from './wizard.view';

/** Step 2: the first business day to export, the day's cut-off and the sales-export settings. */
@Injectable()
export class StartDateStep {
  constructor(private readonly wizard: WizardService) {}

  async save(
    companyId: string,
    dto: StartDateDto,
    correlationId?: string,
  ): Promise<IntegrationView> {
    refuseStartDateInFuture(dto.startDate, osloToday());
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
      correlationId,
    );
  }
}
