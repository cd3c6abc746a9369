import { Injectable } from '@nestjs/common';
import { CustomerSyncErrors } from '../customer-sync.errors';
import { SyncRunLifecycle } from '../sync/sync-run.lifecycle';
import { CustomerQuery, customerSearch } from './customer-search';
import { CustomerPage, CustomersRepository, CustomerView } from './customers.repository';

/** What BackOffice and the POS may read of the mirror: only while the integration is active. */
@Injectable()
export class CustomersService {
  constructor(
    private readonly syncRuns: SyncRunLifecycle,
    private readonly customers: CustomersRepository,
  ) {}

  async list(companyId: string, query: CustomerQuery): Promise<CustomerPage> {
    await this.syncRuns.requireActive(companyId);
    return this.customers.search(customerSearch(companyId, query));
  }

  /** One customer; deleted ones are not found. */
  async get(companyId: string, customerId: number): Promise<CustomerView> {
    await this.syncRuns.requireActive(companyId);
    const customer = await this.customers.find(companyId, customerId);
    if (!customer) throw CustomerSyncErrors.customerNotFound(customerId);
    return customer;
  }
}
