import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import createClient, { type Client } from 'openapi-fetch';
import { backOfficeJwt } from '@pos-tripletex/testing';
// Types only, from the generated file onboarding publishes for BackOffice teams (not its code).
// eslint-disable-next-line @nx/enforce-module-boundaries
import type { components, paths } from '@pos-tripletex/onboarding/openapi';

// The BackOffice API as a BackOffice team calls it: a client generated from onboarding's
// committed OpenAPI document (openapi-typescript's types, openapi-fetch's calls), typed end to
// end – a path, body or answer the document does not describe does not compile.

export type OnboardingClient = Client<paths>;
export type OnboardingSchemas = components['schemas'];
export type ErrorBody = OnboardingSchemas['ErrorBody'];

/** onboarding's API at `baseUrl`, as the operator of `companyId` (a BackOffice JWT). */
export function onboardingClient(
  baseUrl: string,
  jwtSecret: string,
  companyId: string,
): OnboardingClient {
  return createClient<paths>({
    baseUrl,
    headers: { authorization: `Bearer ${backOfficeJwt(jwtSecret, companyId)}` },
  });
}

/**
 * The answer of a call, or an error naming the step, status and the ErrorBody (`code`,
 * `message`, `errors`, `details`) when it is not a success.
 */
export function answered<T>(
  step: string,
  result: { data?: T; error?: unknown; response: Response },
): T {
  if (result.data === undefined || !result.response.ok) {
    throw new Error(`${step}: ${result.response.status} ${JSON.stringify(result.error)}`);
  }
  return result.data;
}

/** A service's committed OpenAPI document (services/<service>/openapi.json), parsed. */
export function committedDocument(service: string): unknown {
  return JSON.parse(
    readFileSync(join(__dirname, '../../../services', service, 'openapi.json'), 'utf8'),
  );
}
