import { HttpStatus } from '@nestjs/common';
import { AppError } from '../errors/app-error';
import type { BackOfficeUser } from '../security/backoffice-auth';

export const ActorKinds = { USER: 'USER', SYSTEM: 'SYSTEM' } as const;
export type ActorKind = (typeof ActorKinds)[keyof typeof ActorKinds];

/**
 * Who makes a change: a BackOffice user (their token's `sub`) or the system itself (`what`, e.g.
 * `reverification`). The two are told apart by `kind`, so a user whose `sub` happens to read
 * "system:…" is still a user.
 */
export class Actor {
  private constructor(
    readonly kind: ActorKind,
    readonly id: string,
  ) {}

  /**
   * The signed-in BackOffice user. A token without `sub` cannot make a change: the audit trail
   * must say who made it (401 AUTH.NO_SUBJECT, before anything is done).
   */
  static user(user: BackOfficeUser): Actor {
    if (!user.subject)
      throw new AppError(
        'AUTH.NO_SUBJECT',
        'The bearer token names no user (`sub`): changes are recorded with who made them, so this one is refused.',
        { httpStatus: HttpStatus.UNAUTHORIZED },
      );
    return new Actor(ActorKinds.USER, user.subject);
  }

  /** A change the system makes on its own, e.g. `Actor.system('reverification')`. */
  static system(what: string): Actor {
    return new Actor(ActorKinds.SYSTEM, what);
  }

  toString(): string {
    return this.kind === ActorKinds.SYSTEM ? `system:${this.id}` : this.id;
  }
}
