import type { CompanyState, Entity } from './sandbox-state';

export type SandboxEventType = 'customer.create' | 'customer.update' | 'customer.delete';

/** Where domain changes are announced (webhook delivery listens here). A class, so Nest can inject it. */
export abstract class SandboxEvents {
  abstract emit(company: CompanyState, event: SandboxEventType, entity: Entity): void;
}
