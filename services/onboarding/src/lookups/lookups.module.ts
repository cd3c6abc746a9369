import { Module } from '@nestjs/common';
import { IntegrationsModule } from '../integrations/integrations.module';
import { LookupsController } from './lookups.controller';
import { LookupsService } from './lookups.service';

/** Accounts and VAT types from the company's Tripletex, and creating an account it lacks. */
@Module({
  imports: [IntegrationsModule],
  controllers: [LookupsController],
  providers: [LookupsService],
})
export class LookupsModule {}
