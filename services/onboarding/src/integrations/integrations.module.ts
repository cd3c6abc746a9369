import { Module } from '@nestjs/common';
import { IntegrationController } from './integration.controller';
import { IntegrationPublisher } from './integration-publisher';
import { IntegrationService } from './integration.service';
import { LookupService } from './lookup.service';
import { MappingChecker } from './mapping-checker';
import { ReverificationWorker, TripletexAuthFailedConsumer } from './reverification';
import { TokenVerifier } from './token-verifier';

@Module({
  controllers: [IntegrationController, TripletexAuthFailedConsumer],
  providers: [
    IntegrationService,
    IntegrationPublisher,
    LookupService,
    MappingChecker,
    TokenVerifier,
    ReverificationWorker,
  ],
})
export class IntegrationsModule {}
