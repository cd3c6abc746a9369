import { ArgumentMetadata } from '@nestjs/common';
import { RequestValidationError, requestValidationPipe } from '@pos-tripletex/platform';
import { LocationsDto, OtherEventsDto, PaymentMethodsDto, ProductGroupsDto } from './wizard.dto';

// The wizard's list steps through the service's own validation pipe: what BackOffice reads in
// `errors` when a body is not what the step takes.

async function fieldErrors(
  metatype: ArgumentMetadata['metatype'],
  body: unknown,
): Promise<{ field: string; messages: string[] }[]> {
  try {
    await requestValidationPipe().transform(body, { type: 'body', metatype });
  } catch (error) {
    if (error instanceof RequestValidationError) return error.fields;
    throw error;
  }
  return [];
}

describe('the wizard steps that take a list', () => {
  it.each([
    ['paymentMethods', PaymentMethodsDto, 'payment methods'],
    ['productGroups', ProductGroupsDto, 'product groups'],
    ['otherEvents', OtherEventsDto, 'other events'],
    ['locations', LocationsDto, 'locations'],
  ] as const)(
    'name a missing or non-list %s as such, never as too long',
    async (field, dto, what) => {
      expect(await fieldErrors(dto, {})).toEqual([
        {
          field,
          messages: [`${field} is required: a list of ${what} (an empty list [] for none)`],
        },
      ]);
      const notAList = await fieldErrors(dto, { [field]: 'card' });
      expect(notAList).toHaveLength(1);
      expect(notAList[0].messages).toContain(
        `${field} is required: a list of ${what} (an empty list [] for none)`,
      );
      expect(notAList[0].messages.join(' ')).not.toMatch(/no more than|at most/);
    },
  );

  it('take an empty list, and refuse a list over the limit saying so', async () => {
    expect(await fieldErrors(PaymentMethodsDto, { paymentMethods: [] })).toEqual([]);
    const many = Array.from({ length: 201 }, (_, i) => ({
      paymentMethodId: `m${i}`,
      name: `Method ${i}`,
      accountId: null,
    }));
    expect(await fieldErrors(PaymentMethodsDto, { paymentMethods: many })).toEqual([
      {
        field: 'paymentMethods',
        messages: [
          'paymentMethods lists at most 200 payment methods; split the list or ask us to raise the limit',
        ],
      },
    ]);
  });

  it('keep a payment method’s kind and take the Invoice method without an account', async () => {
    const body = {
      paymentMethods: [
        { paymentMethodId: 'invoice', name: 'Faktura', method: 'INVOICE', accountId: null },
      ],
    };
    expect(await fieldErrors(PaymentMethodsDto, body)).toEqual([]);
    expect(
      await fieldErrors(PaymentMethodsDto, {
        paymentMethods: [{ ...body.paymentMethods[0], method: 'CHEQUE' }],
      }),
    ).toEqual([
      {
        field: 'paymentMethods[0].method',
        messages: [
          'method must be one of the following values: CASH, CARD, VIPPS, GIFT_CARD, INVOICE, OTHER',
        ],
      },
    ]);
  });
});
