/**
 * Tripletex entitlements (rights) and what our product needs of them.
 *
 * A token can do only what its employee may do, and for a proxy login (an accountant logged in
 * as the company's employee) also only what the actual employee may do: the effective rights are
 * the entitlements both have (shared/tripletex/FACTS.md fact 2). `GET /employee/entitlement`
 * answers `Entitlement {name, entitlementId}`; the spec gives no ids, so we match on `name`, and
 * the names are the `AUTH_*` roles of the spec's `EmployeeRoleModelDTO.role` enum – that the two
 * vocabularies are the same is an assumption (see services/onboarding/README.md).
 */

/** The Tripletex rights our capabilities need (names as `Entitlement.name` carries them). */
export const TripletexEntitlements = {
  /** "Advanced Voucher": the spec says `POST /ledger/voucher?sendToLedger=true` requires it. */
  ADVANCED_VOUCHER: 'AUTH_ADVANCED_VOUCHER',
  /** Orders and invoices (⚠ assumed: the spec names no right on /order or /invoice). */
  INVOICING: 'AUTH_INVOICING',
  /** Reading customers and their `customer.*` webhooks (⚠ assumed). */
  CUSTOMER_INFO: 'AUTH_CUSTOMER_INFO',
} as const;
export type TripletexEntitlement =
  (typeof TripletexEntitlements)[keyof typeof TripletexEntitlements];

/** The words an operator sees for each right (Tripletex's UI names, where the spec gives one). */
export const ENTITLEMENT_LABELS: Readonly<Record<TripletexEntitlement, string>> = {
  AUTH_ADVANCED_VOUCHER: 'Advanced Voucher',
  AUTH_INVOICING: 'Invoicing',
  AUTH_CUSTOMER_INFO: 'Customer information',
};

/** What a company's settings make the product do in Tripletex. */
export type Capability = 'CUSTOMERS' | 'POST_VOUCHERS_TO_LEDGER' | 'INVOICING';

/** Each capability's rights, and which setting (the field an operator changes) asks for it. */
export const CAPABILITY_ENTITLEMENTS: Readonly<
  Record<Capability, { entitlements: readonly TripletexEntitlement[]; what: string }>
> = {
  CUSTOMERS: {
    entitlements: [TripletexEntitlements.CUSTOMER_INFO],
    what: 'read customers and subscribe to their changes (customer sync and webhooks)',
  },
  POST_VOUCHERS_TO_LEDGER: {
    entitlements: [TripletexEntitlements.ADVANCED_VOUCHER],
    what: 'post the daily vouchers straight into the ledger (sendToLedger)',
  },
  INVOICING: {
    entitlements: [TripletexEntitlements.INVOICING],
    what: 'create orders and invoices (invoicing)',
  },
};

/** The capabilities a company's settings use: customer sync always, the others when chosen. */
export function capabilitiesFor(settings: {
  sendToLedger: boolean;
  invoicing: boolean;
}): Capability[] {
  const out: Capability[] = ['CUSTOMERS'];
  if (settings.sendToLedger) out.push('POST_VOUCHERS_TO_LEDGER');
  if (settings.invoicing) out.push('INVOICING');
  return out;
}

/** The rights of the token: its employee's and, for a proxy login, the actual employee's. */
export interface EffectiveEntitlements {
  employeeId: number;
  /** Set only when it differs from employeeId (a proxy login). */
  actualEmployeeId?: number;
  /** The token employee's entitlement names. */
  employee: ReadonlySet<string>;
  /** The actual employee's, when there is one. */
  actualEmployee?: ReadonlySet<string>;
  /** What both have: all the token can actually do. */
  effective: ReadonlySet<string>;
}

/** The effective rights: the intersection when a proxy's actual employee differs from the owner. */
export function effectiveEntitlements(
  employeeId: number,
  employee: Iterable<string>,
  actual?: { employeeId: number; names: Iterable<string> },
): EffectiveEntitlements {
  const own = new Set(employee);
  if (!actual || actual.employeeId === employeeId)
    return { employeeId, employee: own, effective: own };
  const theirs = new Set(actual.names);
  return {
    employeeId,
    actualEmployeeId: actual.employeeId,
    employee: own,
    actualEmployee: theirs,
    effective: new Set([...own].filter((name) => theirs.has(name))),
  };
}

/** A right a capability needs and the token lacks, with whose entitlements lack it. */
export interface MissingEntitlement {
  capability: Capability;
  entitlement: TripletexEntitlement;
  label: string;
  /** 'employee': the token's employee; 'actual-employee': the proxy's actual employee; or both. */
  lackedBy: ('employee' | 'actual-employee')[];
}

/** The rights `capabilities` need that the token does not effectively have (none: it may). */
export function missingEntitlements(
  rights: EffectiveEntitlements,
  capabilities: readonly Capability[],
): MissingEntitlement[] {
  const out: MissingEntitlement[] = [];
  for (const capability of capabilities)
    for (const entitlement of CAPABILITY_ENTITLEMENTS[capability].entitlements) {
      if (rights.effective.has(entitlement)) continue;
      const lackedBy: MissingEntitlement['lackedBy'] = [];
      if (!rights.employee.has(entitlement)) lackedBy.push('employee');
      if (rights.actualEmployee && !rights.actualEmployee.has(entitlement))
        lackedBy.push('actual-employee');
      out.push({ capability, entitlement, label: ENTITLEMENT_LABELS[entitlement], lackedBy });
    }
  return out;
}
