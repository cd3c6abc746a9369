import { BackOfficeApi } from '@pos-tripletex/platform';
import type { Request } from 'express';

/**
 * A controller of BackOffice's "Company → Integrations → Tripletex" API
 * (`/v1/companies/:companyId/tripletex/…`): every route needs a BackOffice JWT for the company in
 * the path.
 */
export function IntegrationApi(): ClassDecorator {
  return BackOfficeApi({ tag: 'Tripletex integration', path: 'v1/companies/:companyId/tripletex' });
}

/** The request id, passed on as the correlation id of the events a request causes. */
export const requestId = (req: Request): string | undefined =>
  (req as Request & { id?: string }).id;
