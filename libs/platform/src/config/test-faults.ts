import { Injectable } from '@nestjs/common';

/**
 * Crash points for the fault suite, which proves exactly-once effects across crashes. Switched on
 * only when NODE_ENV=test and FAULT_KILL_AFTER_TRIPLETEX_CALL=1 are both set; everywhere else
 * every method does nothing.
 */
@Injectable()
export class TestFaults {
  private readonly killAfterTripletexCall =
    process.env.NODE_ENV === 'test' && process.env.FAULT_KILL_AFTER_TRIPLETEX_CALL === '1';

  /** Tripletex has acted and nothing is recorded yet: the worst moment to die. */
  afterTripletexCall(): void {
    if (this.killAfterTripletexCall) process.kill(process.pid, 'SIGKILL');
  }
}
