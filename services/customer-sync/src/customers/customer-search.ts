/** The orders a customer list can be sorted in (`-` for descending), each ending on the id. */
const SORTS = {
  name: 'lower(name) ASC, customer_id',
  '-name': 'lower(name) DESC, customer_id',
  customerNumber: 'customer_number ASC NULLS LAST, customer_id',
  '-customerNumber': 'customer_number DESC NULLS LAST, customer_id',
  updatedAt: 'updated_at ASC, customer_id',
  '-updatedAt': 'updated_at DESC, customer_id',
} as const;

export type CustomerSort = keyof typeof SORTS;
export const CUSTOMER_SORTS = Object.keys(SORTS) as CustomerSort[];

/** A BackOffice list query (validated by CustomersQueryDto). */
export interface CustomerQuery {
  query?: string;
  customerNumber?: number;
  organizationNumber?: string;
  email?: string;
  includeInactive?: boolean;
  sort?: string;
  from?: number;
  count?: number;
}

/** A list query as SQL: the WHERE clause with its parameters, the ORDER BY, and the page. */
export interface CustomerSearch {
  where: string;
  params: unknown[];
  orderBy: string;
  /** Paging as Tripletex does it: the first row (0-based) and how many at most. */
  from: number;
  count: number;
}

export const DEFAULT_PAGE = { from: 0, count: 50 } as const;

/**
 * The company's customers a list query asks for: never deleted ones, inactive ones only when asked;
 * `query` matches part of the name, the start of the customer number or e-mail, or the whole
 * organisation number (LIKE wildcards in it match themselves). Values go in as parameters.
 */
export function customerSearch(companyId: string, query: CustomerQuery): CustomerSearch {
  // Deleted in Tripletex, or withdrawn from the pick list by a deactivation: not served.
  const where = ['company_id = $1', 'deleted_at IS NULL', 'withdrawn_at IS NULL'];
  const params: unknown[] = [companyId];
  const add = (clause: (param: string) => string, value: unknown) => {
    params.push(value);
    where.push(clause(`$${params.length}`));
  };
  if (!query.includeInactive) where.push('NOT is_inactive');
  if (query.customerNumber !== undefined)
    add((param) => `customer_number = ${param}`, query.customerNumber);
  if (query.organizationNumber)
    add((param) => `organization_number = ${param}`, query.organizationNumber.replace(/\s/g, ''));
  if (query.email) add((param) => `lower(email) = lower(${param})`, query.email);
  const text = query.query?.trim();
  if (text) {
    add(
      (param) =>
        `(name ILIKE '%' || ${param} || '%' OR customer_number::text LIKE ${param} || '%' OR organization_number = ${param} OR email ILIKE ${param} || '%')`,
      text.replace(/[\\%_]/g, (char) => `\\${char}`),
    );
  }
  return {
    where: where.join(' AND '),
    params,
    orderBy: SORTS[(query.sort ?? 'name') as CustomerSort],
    from: query.from ?? DEFAULT_PAGE.from,
    count: query.count ?? DEFAULT_PAGE.count,
  };
}
