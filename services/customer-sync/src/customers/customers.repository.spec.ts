import { toCustomerRow } from './customers.repository';

describe(toCustomerRow.name, () => {
  it('keeps the fields we mirror under their column names', () => {
    expect(
      toCustomerRow({
        id: 42,
        version: 3,
        customerNumber: 10042,
        name: 'Fjordkafeen AS',
        organizationNumber: '910000007',
        email: 'post@fjordkafeen.no',
        invoiceEmail: 'faktura@fjordkafeen.no',
        phoneNumberMobile: '+4791234567',
        isInactive: true,
        isPrivateIndividual: false,
        invoicesDueIn: 14,
        invoicesDueInType: 'DAYS',
      }),
    ).toEqual({
      customer_id: 42,
      version: 3,
      customer_number: 10042,
      name: 'Fjordkafeen AS',
      organization_number: '910000007',
      email: 'post@fjordkafeen.no',
      invoice_email: 'faktura@fjordkafeen.no',
      phone_number_mobile: '+4791234567',
      is_inactive: true,
      is_private_individual: false,
      invoices_due_in: 14,
      invoices_due_in_type: 'DAYS',
    });
  });

  it('stores blank texts and missing values as null, missing flags as false', () => {
    expect(toCustomerRow({ id: 7, email: '  ', organizationNumber: '' })).toEqual({
      customer_id: 7,
      version: 0,
      customer_number: null,
      name: '',
      organization_number: null,
      email: null,
      invoice_email: null,
      phone_number_mobile: null,
      is_inactive: false,
      is_private_individual: false,
      invoices_due_in: null,
      invoices_due_in_type: null,
    });
  });
});
