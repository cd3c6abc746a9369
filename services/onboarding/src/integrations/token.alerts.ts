import { AlertKeys } from '@pos-tripletex/contracts';
import type { AlertInput } from '@pos-tripletex/messaging';

/** What re-verification found wrong with a stored token, as an alert's kind and its code. */
export interface TokenProblem {
  kind: 'TOKEN_REFUSED' | 'TOKEN_MISSING_RIGHTS';
  /** The ONBOARDING.* code behind it, when there is one. */
  code?: string;
}

const KEYS = {
  TOKEN_REFUSED: AlertKeys.tokenRefused(),
  TOKEN_MISSING_RIGHTS: AlertKeys.tokenMissingRights(),
} as const;

/**
 * The token alert of a re-verification that found `problem`: TOKEN_REFUSED (nothing reaches
 * Tripletex) or TOKEN_MISSING_RIGHTS (some of it does not), and the other kind resolved (one
 * token, one cause at a time).
 */
export function tokenProblemAlerts(
  companyId: string,
  found: TokenProblem,
  problem: string,
): AlertInput[] {
  const path = `/v1/companies/${companyId}/tripletex`;
  const open: AlertInput =
    found.kind === 'TOKEN_REFUSED'
      ? {
          companyId,
          alertKey: KEYS.TOKEN_REFUSED,
          kind: 'TOKEN_REFUSED',
          state: 'OPEN',
          severity: 'CRITICAL',
          title: 'Tripletex refuses the employee token',
          message:
            'Nothing reaches Tripletex (no day is posted, no invoice made) until a working token ' +
            `is stored in the integration's token step (POST ${path}/token). ${problem}`,
          details: { code: found.code },
        }
      : {
          companyId,
          alertKey: KEYS.TOKEN_MISSING_RIGHTS,
          kind: 'TOKEN_MISSING_RIGHTS',
          state: 'OPEN',
          severity: 'CRITICAL',
          title: 'The Tripletex token lacks what the settings need',
          message:
            `${problem} Fix it in Tripletex (the employee's rights, the company's modules or its ` +
            `bank account number), then check the token again (POST ${path}/reverify).`,
          details: { code: found.code },
        };
  const other = found.kind === 'TOKEN_REFUSED' ? 'TOKEN_MISSING_RIGHTS' : 'TOKEN_REFUSED';
  return [
    open,
    tokenResolved(companyId, other, 'The token now fails another way (see the open alert).'),
  ];
}

/** The token works again (re-verified, or a new one stored): both token alerts resolve. */
export function tokenWorksAlerts(companyId: string, why: string): AlertInput[] {
  return [
    tokenResolved(companyId, 'TOKEN_REFUSED', why),
    tokenResolved(companyId, 'TOKEN_MISSING_RIGHTS', why),
  ];
}

function tokenResolved(companyId: string, kind: TokenProblem['kind'], why: string): AlertInput {
  return {
    companyId,
    alertKey: KEYS[kind],
    kind,
    state: 'RESOLVED',
    severity: 'CRITICAL',
    title:
      kind === 'TOKEN_REFUSED'
        ? 'Tripletex accepts the employee token'
        : 'The Tripletex token has what the settings need',
    message: why,
  };
}
