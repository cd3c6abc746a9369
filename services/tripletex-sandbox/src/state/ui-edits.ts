import { Injectable } from '@nestjs/common';
import { createCustomer, deleteCustomer, updateCustomer } from '../api/handlers/customer.handlers';
import { SandboxEvents } from './sandbox-events';
import { CompanyState, Entity, Json, SandboxState } from './sandbox-state';

/** Changes a Tripletex user makes in the UI: same rules as the API, and webhooks fire. */
@Injectable()
export class UiEdits {
  constructor(
    readonly state: SandboxState,
    readonly events: SandboxEvents,
  ) {}

  createCustomer(company: CompanyState, body: Json): Entity {
    return createCustomer(this, company, body);
  }

  updateCustomer(company: CompanyState, id: number, body: Json): Entity {
    return updateCustomer(this, company, id, body);
  }

  deleteCustomer(company: CompanyState, id: number): void {
    deleteCustomer(this, company, id);
  }
}
