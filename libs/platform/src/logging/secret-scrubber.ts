import { Writable } from 'node:stream';

/**
 * Secret values known at run time (the consumer token, encryption keys, decrypted employee
 * tokens). Every log line is scrubbed of them before it is written, so a secret that slips into
 * an error message or a third-party log call still never reaches the output.
 */
export class SecretRegistry {
  private readonly secrets = new Set<string>();

  /** Registers a value to scrub. Values shorter than 8 characters are ignored (too many false hits). */
  add(value: string | undefined | null): void {
    if (value && value.length >= 8) this.secrets.add(value);
  }

  delete(value: string): void {
    this.secrets.delete(value);
  }

  scrub(text: string): string {
    let out = text;
    for (const secret of this.secrets) {
      if (out.includes(secret)) out = out.split(secret).join('[redacted]');
    }
    return out;
  }
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
