import { Module } from '@nestjs/common';
import { AlertsConsumer } from './alerts.consumer';
import { AlertsController } from './alerts.controller';
import { AlertsRepository } from './alerts.repository';
import { AlertsService } from './alerts.service';

/** integration.alerts.v1 kept per company (de-duplicated per cause) and listed to BackOffice. */
@Module({
  controllers: [AlertsController, AlertsConsumer],
  providers: [AlertsService, AlertsRepository],
  exports: [AlertsService],
})
export class AlertsModule {}
