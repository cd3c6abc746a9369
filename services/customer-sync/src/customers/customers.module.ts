import { forwardRef, Module } from '@nestjs/common';
import { SyncModule } from '../sync/sync.module';
import { CustomersController } from './customers.controller';
import { CustomersRepository } from './customers.repository';
import { CustomersService } from './customers.service';

/**
 * The mirror of each company's Tripletex customers: its table and customers.changed.v1 events
 * (CustomersRepository, written by the sync and the webhooks) and BackOffice's API on it.
 */
@Module({
  // The mirror is served only while the sync state says the integration is active, and the sync
  // writes the mirror: the two modules need each other.
  imports: [forwardRef(() => SyncModule)],
  controllers: [CustomersController],
  providers: [CustomersRepository, CustomersService],
  exports: [CustomersRepository],
})
export class CustomersModule {}
