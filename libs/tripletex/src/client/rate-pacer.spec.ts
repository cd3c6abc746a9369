import { RatePacer } from './rate-pacer';

/** A pacer on a clock the test moves. */
function aPacer() {
  let now = 1_000_000;
  const pacer = new RatePacer(() => now);
  return {
    pacer,
    at: (ms: number) => (now = 1_000_000 + ms),
  };
}

describe(RatePacer.name, () => {
  it('lets calls go while Tripletex has not said anything about its limit', () => {
    const { pacer } = aPacer();
    pacer.answered(pacer.sending(), undefined, undefined);
    expect(pacer.waitMs()).toBe(0);
  });

  it('sends the calls the window has left, counting those sent since the last answer, then waits for the window’s end', () => {
    const { pacer, at } = aPacer();
    at(0);
    const first = pacer.sending();
    at(50);
    pacer.answered(first, 3, 1); // the window ends at most 1 s after this answer
    pacer.sending();
    pacer.sending();
    expect(pacer.waitMs()).toBe(0); // one call left
    pacer.sending();
    at(300);
    expect(pacer.waitMs()).toBe(750); // 50 + 1000 − 300
  });

  it('takes the earliest end the answers of one window imply (the reset is rounded up to whole seconds)', () => {
    const { pacer, at } = aPacer();
    const a = pacer.sending();
    at(40);
    pacer.answered(a, 2, 1); // ends by 1040
    const b = pacer.sending();
    at(900);
    pacer.answered(b, 1, 1); // ends by 1900: a looser bound of the same window
    pacer.sending();
    expect(pacer.waitMs()).toBe(140);
  });

  it('never lets a late answer of an earlier call give back calls already spent', () => {
    const { pacer, at } = aPacer();
    const early = pacer.sending();
    const late = pacer.sending();
    at(50);
    pacer.answered(late, 0, 1);
    pacer.answered(early, 1, 1);
    expect(pacer.waitMs()).toBe(1000);
  });

  it('starts a new window when a call sent after the last window’s end is answered', () => {
    const { pacer, at } = aPacer();
    const a = pacer.sending();
    at(50);
    pacer.answered(a, 0, 1); // spent until 1050
    at(1050);
    expect(pacer.waitMs()).toBe(0);
    const b = pacer.sending();
    at(1100);
    pacer.answered(b, 39, 1);
    expect(pacer.waitMs()).toBe(0);
  });

  it('takes no pace from an answer without X-Rate-Limit-Reset (its 429 is backed off instead)', () => {
    const { pacer, at } = aPacer();
    const a = pacer.sending();
    at(50);
    pacer.answered(a, 5, 1);
    const refused = pacer.sending();
    at(200);
    pacer.answered(refused, 0, undefined);
    expect(pacer.waitMs()).toBe(0); // four calls left, by the last word with a window's end
  });

  it('is idle once every call sent has an answer or none', () => {
    const { pacer } = aPacer();
    const a = pacer.sending();
    pacer.sending();
    expect(pacer.idle).toBe(false);
    pacer.answered(a, 10, 1);
    pacer.unanswered();
    expect(pacer.idle).toBe(true);
  });
});
