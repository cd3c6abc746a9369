import { Module } from '@nestjs/common';
import { TripletexApiController } from './api/tripletex-api.controller';
import { SpecRouter } from './api/spec-router';
import { SpecValidator } from './api/spec-validator';
import { OperatorController } from './operator/operator.controller';
import { SandboxControls } from './state/sandbox-controls';
import { SandboxEvents } from './state/sandbox-events';
import { SandboxSeeder } from './state/sandbox-seeder';
import { SandboxState } from './state/sandbox-state';
import { UiEdits } from './state/ui-edits';
import { WebhookDispatcher } from './webhooks/webhook-dispatcher';
import { WebhookPolicy } from './webhooks/webhook-policy';

@Module({
  controllers: [OperatorController, TripletexApiController],
  providers: [
    SandboxState,
    SandboxControls,
    SandboxSeeder,
    UiEdits,
    { provide: SpecRouter, useFactory: () => new SpecRouter() },
    {
      provide: SpecValidator,
      inject: [SpecRouter],
      useFactory: (router: SpecRouter) => new SpecValidator(router.spec),
    },
    WebhookPolicy,
    WebhookDispatcher,
    { provide: SandboxEvents, useExisting: WebhookDispatcher },
  ],
})
export class SandboxModule {}
