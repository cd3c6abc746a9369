import { Injectable } from '@nestjs/common';

/** A dependency the service cannot work without (database, Kafka, Tripletex, …). */
export interface ReadinessCheck {
  name: string;
  /** Resolves (optionally with details) when healthy, rejects with the reason otherwise. */
  check(): Promise<Record<string, unknown> | void>;
}

/** Modules register their checks here at start-up; GET /ready runs them all. */
@Injectable()
export class ReadinessRegistry {
  private readonly checks = new Map<string, ReadinessCheck>();

  register(check: ReadinessCheck): void {
    this.checks.set(check.name, check);
  }

  all(): ReadinessCheck[] {
    return [...this.checks.values()];
  }
}
