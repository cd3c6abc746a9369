import type { Request } from 'express';

/** The request's id (pino-http's), e.g. for the audit record or the events a request causes. */
export const requestIdOf = (req: Request): string | undefined => {
  const id = (req as Request & { id?: unknown }).id;
  return typeof id === 'string' ? id : undefined;
};
