import { Module } from '@nestjs/common';
import { IntegrationsModule } from '../integrations/integrations.module';
import { WizardModule } from '../wizard/wizard.module';
import { ReverificationController } from './reverification.controller';
import { ReverificationService } from './reverification.service';
import { ReverificationWorker } from './reverification.worker';
import { TripletexAuthFailedConsumer } from './tripletex-auth-failed.consumer';

/** Stored tokens checked again: on a timer, on another service's report, and on demand. */
@Module({
  imports: [IntegrationsModule, WizardModule],
  controllers: [ReverificationController, TripletexAuthFailedConsumer],
  providers: [ReverificationService, ReverificationWorker],
})
export class ReverificationModule {}
