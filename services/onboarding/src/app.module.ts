import { Module } from '@nestjs/common';
import { SERVICE_TOPICS } from '@pos-tripletex/contracts';
import { MessagingModule } from '@pos-tripletex/messaging';
import {
  AuditModule,
  DatabaseModule,
  ServiceConfigModule,
  HealthModule,
  LoggingModule,
  SecurityModule,
} from '@pos-tripletex/platform';
import { TripletexModule } from '@pos-tripletex/tripletex';
import { AlertsModule } from './alerts/alerts.module';
import { SERVICE_NAME } from './bootstrap';
import { OnboardingEnv } from './config/env.schema';
import { databaseSetup } from './database/setup';
import { LookupsModule } from './lookups/lookups.module';
import { ReverificationModule } from './reverification/reverification.module';
import { WizardModule } from './wizard/wizard.module';

/** Connects a company to Tripletex: token verification, the BackOffice wizard, settings. */
@Module({
  imports: [
    ServiceConfigModule.forService(OnboardingEnv, SERVICE_NAME),
    LoggingModule.forService(SERVICE_NAME),
    HealthModule,
    DatabaseModule.forService(databaseSetup),
    MessagingModule.forService(SERVICE_TOPICS.onboarding),
    SecurityModule,
    AuditModule,
    TripletexModule,
    WizardModule,
    LookupsModule,
    ReverificationModule,
    AlertsModule,
  ],
})
export class AppModule {}
