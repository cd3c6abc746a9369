import { TestFaults } from '@pos-tripletex/platform';
import { setImmediate as turn } from 'node:timers/promises';
import { InvoicingEnv } from '../config/env.schema';
import { RequestStatuses } from './entities/invoice-request.entity';
import type { ClaimedRequest, InvoiceRequestLifecycle } from './invoice-request.lifecycle';
import type { InvoiceRequestsRepository } from './invoice-requests.repository';
import { InvoiceWorker } from './invoice.worker';
import type { InvoicerService } from './invoicer.service';

// When the worker claims: only when something may have become claimable since its last claim
// came back short. The database is replaced by a queue of what each claim returns; each request's
// attempt finishes when the test says so.

const SHARE = 2; // TRIPLETEX_MAX_CONCURRENT_PER_COMPANY

function aWorker() {
  const claims: number[] = [];
  const toClaim: ClaimedRequest[][] = [];
  const finish = new Map<string, () => void>();
  const lifecycle = {
    claim: (limit: number) => {
      claims.push(limit);
      return Promise.resolve(toClaim.shift() ?? []);
    },
    hold: () => ({ lost: false, throwIfLost: () => undefined, release: () => Promise.resolve() }),
    record: () => Promise.resolve(),
  };
  const requests = {
    get: (id: string) => Promise.resolve({ checkoutEventId: id, companyId: id.split('-')[0] }),
  };
  const invoicer = {
    process: (request: { checkoutEventId: string }) =>
      new Promise((resolve) =>
        finish.set(request.checkoutEventId, () =>
          resolve({ status: RequestStatuses.INVOICED, invoice: {}, mode: 'SINGLE' }),
        ),
      ),
  };
  const env = Object.assign(new InvoicingEnv(), {
    INVOICE_WORKERS: 8,
    TRIPLETEX_MAX_CONCURRENT_PER_COMPANY: SHARE,
  });
  const worker = new InvoiceWorker(
    lifecycle as unknown as InvoiceRequestLifecycle,
    requests as unknown as InvoiceRequestsRepository,
    invoicer as unknown as InvoicerService,
    env,
    new TestFaults(),
  );
  const claimed = (...ids: string[]) =>
    toClaim.push(
      ids.map((id) => ({ checkoutEventId: id, companyId: id.split('-')[0], leaseOwner: 'o' })),
    );
  return { worker, claims, claimed, finish };
}

/** Lets every promise that can settle now settle (no clock involved). */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await turn();
}

describe(InvoiceWorker.name, () => {
  let w: ReturnType<typeof aWorker>;
  beforeEach(() => {
    w = aWorker();
  });
  afterEach(async () => {
    // Every attempt still open finishes, so that the loop can stop.
    const stopped = w.worker.onApplicationShutdown();
    for (const finish of w.finish.values()) finish();
    await stopped;
  });

  it('does not claim again after a short claim until something changed', async () => {
    w.claimed('a-1', 'a-2');

    w.worker.nudge();
    await settle();

    expect(w.claims).toEqual([8]); // a short claim: nothing more to find now
  });

  it('claims nothing for new requests of a company that has its share in flight here, and claims when one of them finishes', async () => {
    w.claimed('a-1', 'a-2');
    w.worker.nudge();
    await settle();

    w.worker.nudge('a');
    w.worker.nudge('a');
    await settle();
    expect(w.claims).toEqual([8]);

    w.claimed('a-3');
    w.finish.get('a-1')?.();
    await settle();
    expect(w.claims).toEqual([8, 7]);
  });

  it('claims at once for a request of a company with a free slot', async () => {
    w.claimed('a-1', 'a-2');
    w.worker.nudge();
    await settle();

    w.worker.nudge('b');
    await settle();

    expect(w.claims).toEqual([8, 6]);
  });

  it('claims for the slot a request frees after a claim that filled them all', async () => {
    w.claimed('a-1', 'a-2', 'b-1', 'b-2', 'c-1', 'c-2', 'd-1', 'd-2');
    w.worker.nudge();
    await settle();

    w.finish.get('c-2')?.();
    await settle();

    expect(w.claims).toEqual([8, 1]);
  });
});
