import { CUSTOMER_SORTS, customerSearch } from './customer-search';

describe(customerSearch.name, () => {
  it('lists the active, not deleted customers by name, the first 50, by default', () => {
    expect(customerSearch('co_1', {})).toEqual({
      where: 'company_id = $1 AND deleted_at IS NULL AND withdrawn_at IS NULL AND NOT is_inactive',
      params: ['co_1'],
      orderBy: 'lower(name) ASC, customer_id',
      from: 0,
      count: 50,
    });
  });

  it('includes inactive customers only when asked', () => {
    expect(customerSearch('co_1', { includeInactive: true }).where).toBe(
      'company_id = $1 AND deleted_at IS NULL AND withdrawn_at IS NULL',
    );
  });

  it('numbers the filters’ parameters in order after the company', () => {
    const search = customerSearch('co_1', {
      customerNumber: 10001,
      organizationNumber: '910 000 007',
      email: 'Post@Kunde.no',
    });
    expect(search.where).toBe(
      'company_id = $1 AND deleted_at IS NULL AND withdrawn_at IS NULL AND NOT is_inactive AND customer_number = $2' +
        ' AND organization_number = $3 AND lower(email) = lower($4)',
    );
    // Organisation numbers are compared without the spaces people type.
    expect(search.params).toEqual(['co_1', 10001, '910000007', 'Post@Kunde.no']);
  });

  it('matches the free text against name, number, organisation number and e-mail in one parameter', () => {
    const search = customerSearch('co_1', { query: '  fjord  ' });
    expect(search.where).toContain(
      "(name ILIKE '%' || $2 || '%' OR customer_number::text LIKE $2 || '%' OR organization_number = $2 OR email ILIKE $2 || '%')",
    );
    expect(search.params).toEqual(['co_1', 'fjord']);
  });

  it('lets LIKE wildcards in the free text match only themselves', () => {
    expect(customerSearch('co_1', { query: '50%_a\\b' }).params[1]).toBe('50\\%\\_a\\\\b');
  });

  it('ignores a blank free text and empty filters', () => {
    expect(
      customerSearch('co_1', { query: '   ', organizationNumber: '', email: '' }).params,
    ).toEqual(['co_1']);
  });

  it('sorts by each offered order, descending with a leading minus, ties by id', () => {
    expect(
      Object.fromEntries(
        CUSTOMER_SORTS.map((sort) => [sort, customerSearch('co_1', { sort }).orderBy]),
      ),
    ).toEqual({
      name: 'lower(name) ASC, customer_id',
      '-name': 'lower(name) DESC, customer_id',
      customerNumber: 'customer_number ASC NULLS LAST, customer_id',
      '-customerNumber': 'customer_number DESC NULLS LAST, customer_id',
      updatedAt: 'updated_at ASC, customer_id',
      '-updatedAt': 'updated_at DESC, customer_id',
    });
  });

  it('pages with from and count as Tripletex does', () => {
    expect(customerSearch('co_1', { from: 100, count: 25 })).toMatchObject({
      from: 100,
      count: 25,
    });
  });
});
