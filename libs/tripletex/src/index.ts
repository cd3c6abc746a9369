/**
 * The typed Tripletex API v2 client: session tokens, typed calls, paging, errors, retries.
 * The only place that may import axios. Filled by the Tripletex issue; until then it holds what
 * the rest of the system already relies on.
 */

/** Tripletex's own base URLs (configurable per deployment; tests use services/tripletex-sandbox). */
export const TripletexBaseUrls = {
  production: 'https://tripletex.no/v2',
  test: 'https://api-test.tripletex.tech/v2',
} as const;
