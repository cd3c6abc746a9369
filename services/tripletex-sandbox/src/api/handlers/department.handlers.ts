import { SandboxError, Texts } from '../sandbox-error';
import type { Entity, Json } from '../../state/sandbox-state';
import { companyOf, Handler, idList, list, sortBy, value } from './handler';

const text = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');

/** `/department`: a company's departments (a POS location maps to one). */
export const departmentHandlers: Record<string, Handler> = {
  Department_search: (ctx) => {
    const q = ctx.query;
    const ids = idList(q.id);
    const like = (field: unknown, wanted: unknown) =>
      wanted === undefined || text(field).toLowerCase().includes(text(wanted).toLowerCase());
    const values = [...companyOf(ctx).departments.values()].filter(
      (d) =>
        (!ids || ids.includes(d.id)) &&
        like(d.name, q.name) &&
        like(d.departmentNumber, q.departmentNumber) &&
        (q.isInactive === undefined || d.isInactive === q.isInactive),
    );
    return list(sortBy(values, q.sorting ?? 'departmentNumber'));
  },

  Department_get: (ctx) => {
    const department = companyOf(ctx).departments.get(ctx.path.id as number);
    if (!department) throw SandboxError.notFound();
    return value(department);
  },

  Department_post: (ctx) => {
    const company = companyOf(ctx);
    const body = (ctx.body ?? {}) as Json;
    const problems: { field: string; message: string }[] = [];
    if (body.id !== undefined)
      problems.push({ field: 'id', message: 'An ID cannot be set when creating a new object.' });
    if (typeof body.name !== 'string' || body.name.trim() === '')
      problems.push({ field: 'name', message: Texts.notNull });
    const number =
      body.departmentNumber === undefined || body.departmentNumber === ''
        ? String(company.departments.size + 1)
        : text(body.departmentNumber);
    if ([...company.departments.values()].some((d) => d.departmentNumber === number))
      problems.push({ field: 'departmentNumber', message: 'Nummeret er i bruk.' });
    if (problems.length) throw SandboxError.validation(problems);
    const id = ctx.state.id();
    const department: Entity = {
      isInactive: false,
      ...body,
      id,
      version: 1,
      url: ctx.state.url('department', id),
      departmentNumber: number,
      displayName: `${number} ${body.name as string}`,
    };
    company.departments.set(id, department);
    ctx.state.touch(company, department);
    return value(department);
  },
};
