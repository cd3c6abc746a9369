import { Writable } from 'node:stream';

/** Tracked secrets kept at most (the oldest owner's value goes first beyond it). */
const MAX_TRACKED = 10_000;

/**
 * Secret values known at run time. Every log line is scrubbed of them before it is written, so a
 * secret that slips into an error message or a third-party log call still never reaches the
 * output. Two kinds, both bounded:
 * - `add`: the deployment's own secrets (consumer token, encryption keys, JWT secret), a handful;
 * - `track`: secrets of companies, one current value per owner (a company's employee token, its
 *   session token): a new value replaces the owner's old one, and at most 10,000 owners are kept.
 *   Register a company secret only once it is stored (sealed or opened), never a value someone
 *   merely submitted.
 */
export class SecretRegistry {
  private readonly pinned = new Set<string>();
  private readonly tracked = new Map<string, string>();

  constructor(private readonly maxTracked = MAX_TRACKED) {}

  /** Registers a deployment secret. Values shorter than 8 characters are ignored (too many false hits). */
  add(value: string | undefined | null): void {
    if (value && value.length >= 8) this.pinned.add(value);
  }

  /** Registers the current secret of `owner` (e.g. `employee-token:<companyId>`), replacing its previous one. */
  track(owner: string, value: string | undefined | null): void {
    if (!value || value.length < 8) return;
    this.tracked.delete(owner); // re-inserted last: the map's order is the eviction order
    this.tracked.set(owner, value);
    while (this.tracked.size > this.maxTracked) {
      const oldest = this.tracked.keys().next().value as string;
      this.tracked.delete(oldest);
    }
  }

  delete(value: string): void {
    this.pinned.delete(value);
    for (const [owner, v] of this.tracked) if (v === value) this.tracked.delete(owner);
  }

  get size(): number {
    return this.pinned.size + this.tracked.size;
  }

  scrub(text: string): string {
    let out = text;
    for (const secret of this.pinned) out = replaceAll(out, secret);
    for (const secret of this.tracked.values()) out = replaceAll(out, secret);
    return out;
  }
}

/**
 * Replaces a secret as it appears inside a JSON string (escaped), so the replacement never spans
 * the line's own quotes or separators: a secret cannot rewrite the structure of a log line.
 */
function replaceAll(text: string, secret: string): string {
  const escaped = JSON.stringify(secret).slice(1, -1);
  return text.includes(escaped) ? text.split(escaped).join('[redacted]') : text;
}

/** The process-wide registry used by the logger. */
export const secrets = new SecretRegistry();

/** A destination for pino that scrubs registered secrets from each line. */
export function scrubbingStream(target: NodeJS.WritableStream, registry = secrets): Writable {
  return new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      target.write(registry.scrub(chunk.toString()));
      callback();
    },
  });
}
