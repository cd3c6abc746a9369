import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';

/** Tripletex retries "with increasing intervals" (over 30 hours); the sandbox compresses that. */
export const DEFAULT_RETRY_DELAYS_MS = [500, 2000, 5000, 15000];
/** Failed attempts in a row after which a subscription becomes DISABLED_TOO_MANY_ERRORS. */
export const DEFAULT_DISABLE_AFTER_FAILURES = 20;

/** Comma-separated list → trimmed, lower-cased, non-empty entries. */
export function hostList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((host) => host.trim().toLowerCase())
    .filter(Boolean);
}

/**
 * Why Tripletex would refuse this webhook target, or undefined if it is acceptable: an absolute
 * https URL. Plain http is refused as Tripletex refuses it, unless the operator allowed its host
 * (`SANDBOX_WEBHOOK_ALLOW_HTTP_HOSTS`, for tests and local runs whose services listen on http).
 */
export function targetUrlProblem(
  targetUrl: unknown,
  allowHttpHosts: readonly string[],
): string | undefined {
  if (typeof targetUrl !== 'string') return 'Ugyldig URL.';
  let url: URL;
  try {
    url = new URL(targetUrl);
  } catch {
    return 'Ugyldig URL.';
  }
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && allowHttpHosts.includes(url.hostname.toLowerCase()))
    return undefined;
  return 'URL-en må bruke https.';
}

/**
 * How the sandbox treats webhook targets and failed deliveries (from the environment; the operator
 * can change it at run time and `POST /_sandbox/reset` restores it).
 */
@Injectable()
export class WebhookPolicy {
  allowHttpHosts: string[] = [];
  retryDelaysMs: number[] = [...DEFAULT_RETRY_DELAYS_MS];
  disableAfterFailures = DEFAULT_DISABLE_AFTER_FAILURES;
  /** Every delivery attempt fails as if the target could not be reached (an outage on our side). */
  outage = false;

  constructor(private readonly config: ConfigService) {
    this.reset();
  }

  reset(): void {
    this.outage = false;
    this.allowHttpHosts = hostList(this.config.get<string>('SANDBOX_WEBHOOK_ALLOW_HTTP_HOSTS'));
    const delays = this.config.get<string>('SANDBOX_WEBHOOK_RETRY_DELAYS_MS');
    this.retryDelaysMs = delays
      ? delays.split(',').map((delay) => Number(delay.trim()))
      : [...DEFAULT_RETRY_DELAYS_MS];
    this.disableAfterFailures =
      this.config.get<number>('SANDBOX_WEBHOOK_DISABLE_AFTER_FAILURES') ??
      DEFAULT_DISABLE_AFTER_FAILURES;
  }

  targetUrlProblem(targetUrl: unknown): string | undefined {
    return targetUrlProblem(targetUrl, this.allowHttpHosts);
  }
}
