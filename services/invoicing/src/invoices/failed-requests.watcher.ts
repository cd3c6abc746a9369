import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CompanySettingsService } from '@pos-tripletex/company-settings';
import { describeError, WorkLoop } from '@pos-tripletex/platform';
import { CompanyClients } from '@pos-tripletex/tripletex';
import { DataSource } from 'typeorm';
import { InvoicingEnv } from '../config/env.schema';
import { InvoicingErrors } from '../invoicing.errors';
import { RequestStatuses } from './entities/invoice-request.entity';
import { InvoiceRequestLifecycle } from './invoice-request.lifecycle';
import { InvoiceWorker } from './invoice.worker';

/**
 * Watches what Tripletex does not tell us by an event: every BANK_ACCOUNT_CHECK_SECONDS, each
 * company with requests that failed for want of a bank account number is asked once
 * (`GET /ledger/account?isBankAccount=true`); when the number is there, its requests are taken up
 * again. One company's failing check (a refused token, an outage) is logged and never holds up
 * another's.
 */
@Injectable()
export class FailedRequestsWatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(FailedRequestsWatcher.name);
  private readonly loop = WorkLoop.periodic('bank account watch', () => this.check(), this.logger);

  constructor(
    private readonly dataSource: DataSource,
    private readonly settings: CompanySettingsService,
    private readonly clients: CompanyClients,
    private readonly lifecycle: InvoiceRequestLifecycle,
    private readonly worker: InvoiceWorker,
    private readonly env: InvoicingEnv,
  ) {}

  onApplicationBootstrap(): void {
    this.loop.start(this.env.BANK_ACCOUNT_CHECK_SECONDS * 1000);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  /** One round: returns the companies whose requests were taken up again. */
  async check(): Promise<string[]> {
    const rows = await this.dataSource.query<{ company_id: string }[]>(
      `SELECT DISTINCT company_id FROM invoice_requests
       WHERE status = '${RequestStatuses.FAILED}' AND retry_on = 'BANK_ACCOUNT'`,
    );
    const resumed: string[] = [];
    await Promise.all(
      rows.map(async ({ company_id: companyId }) => {
        try {
          if (await this.bankAccountRegistered(companyId)) {
            await this.dataSource.transaction((tx) =>
              this.lifecycle.retry(
                tx,
                { companyId, retryOn: 'BANK_ACCOUNT' },
                'the company’s bank account number is registered in Tripletex',
              ),
            );
            resumed.push(companyId);
          }
        } catch (error) {
          this.logger.warn({ companyId }, `bank account check failed: ${describeError(error)}`);
        }
      }),
    );
    if (resumed.length > 0) this.worker.nudge();
    return resumed;
  }

  private async bankAccountRegistered(companyId: string): Promise<boolean> {
    const config = await this.settings.get(companyId);
    if (!config || config.status !== 'ACTIVE') return false;
    const client = this.clients.forCompany(
      companyId,
      config.tripletex?.employeeToken,
      InvoicingErrors.noToken,
    );
    return (await client.bankAccountStatus()).registered;
  }
}
