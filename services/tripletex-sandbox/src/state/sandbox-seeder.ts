import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { SandboxState } from './sandbox-state';

/** The demo companies `npm run up` and docker compose start with (tokens documented in the README). */
export const DEMO = {
  company: {
    name: 'Demo Restaurant AS',
    organizationNumber: '912345678',
    bankAccountNumber: '12345678903',
    employeeToken: 'demo-employee-token',
  },
  companyWithoutBank: {
    name: 'Uten Bankkonto AS',
    organizationNumber: '987654321',
    bankAccountNumber: null,
    employeeToken: 'demo-nobank-employee-token',
  },
};

@Injectable()
export class SandboxSeeder implements OnModuleInit {
  private readonly logger = new Logger(SandboxSeeder.name);

  constructor(
    private readonly state: SandboxState,
    private readonly config: ConfigService,
  ) {}

  onModuleInit(): void {
    this.seedConsumerTokens();
    if (this.config.get<boolean>('SANDBOX_SEED_DEMO') ?? true) this.seedDemo();
  }

  seedConsumerTokens(): void {
    for (const token of this.consumerTokenHint()) this.state.consumerTokens.add(token);
  }

  consumerTokenHint(): string[] {
    return (this.config.get<string>('SANDBOX_CONSUMER_TOKENS') ?? 'sandbox-consumer-token')
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
  }

  seedDemo(): void {
    const demo = this.state.addCompany(DEMO.company);
    const noBank = this.state.addCompany(DEMO.companyWithoutBank);
    this.logger.log(
      { demoCompanyId: demo.companyId, noBankCompanyId: noBank.companyId },
      'seeded demo companies (tokens in the README)',
    );
  }
}
