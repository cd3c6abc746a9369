/**
 * The typed Tripletex API v2 client: session tokens, typed calls, paging, errors, retries.
 * The only place that may import axios. Exported: the clients, their types, the errors and their
 * classification, money conversion; the HTTP machinery (sessions, paging, retries) stays inside.
 * Types are generated from spec/openapi.subset.json.
 */
export * from './types';
export * from './errors/tripletex-errors';
export * from './errors/classify-failure';
export type { TripletexClientOptions, TripletexLogger, CompanyCredentials } from './client/options';
export type { RetryPolicy } from './client/retry-policy';
export * from './client/tripletex-company.client';
export * from './client/tripletex.client';
export * from './spec';

/** Tripletex's own base URLs (configurable per deployment; tests use services/tripletex-sandbox). */
export const TripletexBaseUrls = {
  production: 'https://tripletex.no/v2',
  test: 'https://api-test.tripletex.tech/v2',
} as const;
export * from './nest/tripletex.module';
export * from './nest/company-clients';
export * from './money/money';
export * from './money/vat';
export * from './accounts/account-rules';
export * from './entitlements/entitlements';
