import { entitlementIdOf } from '../../state/entitlements';
import type { Entity } from '../../state/sandbox-state';
import { companyOf, Handler, list } from './handler';

export const employeeHandlers: Record<string, Handler> = {
  /**
   * `GET /employee/entitlement?employeeId=` (default: the token's owner): the employee's rights.
   * An employee not of the session's company has none to show here (an empty list).
   */
  EmployeeEntitlement_search: (ctx) => {
    const company = companyOf(ctx);
    const employeeId = (ctx.query.employeeId as number | undefined) ?? ctx.session!.employeeId;
    const names = company.entitlements.get(employeeId) ?? new Set<string>();
    const values: Entity[] = [...names].map((name) => {
      const entitlementId = entitlementIdOf(name);
      const id = employeeId * 1000 + entitlementId;
      return {
        id,
        version: 0,
        url: ctx.state.url('employee/entitlement', id),
        employee: { id: employeeId, url: ctx.state.url('employee', employeeId) },
        name,
        entitlementId,
        customer: { id: company.company.id, url: company.company.url },
      };
    });
    return list(values.sort((a, b) => a.id - b.id));
  },
};
