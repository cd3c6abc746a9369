import { parseFields, project } from './fields';
import { SandboxError } from './sandbox-error';

const schemas = (name: string) =>
  (
    ({
      Invoice: {
        properties: {
          id: {},
          amount: {},
          customer: { $ref: '#/components/schemas/Customer' },
          orders: { type: 'array', items: { $ref: '#/components/schemas/Order' } },
        },
      },
      Customer: { properties: { id: {}, url: {}, name: {} } },
      Order: { properties: { id: {}, url: {}, number: {} } },
    }) as Record<string, Record<string, unknown>>
  )[name];

const invoice = {
  id: 7,
  amount: 125,
  customer: { id: 3, url: 'c/3', name: 'Fjordkanten AS' },
  orders: [{ id: 9, url: 'o/9', number: '9' }],
};

describe(parseFields.name, () => {
  it('reads nested filters and the wildcard', () => {
    const tree = parseFields('id, customer(name,id),*');
    expect(tree.all).toBe(true);
    expect([...tree.fields.keys()]).toEqual(['id', 'customer']);
    expect(parseFields(undefined).all).toBe(true);
  });

  it.each(['a(b', 'a)b', 'a(b))'])('refuses the malformed filter %s as Tripletex does', (text) => {
    expect(() => parseFields(text)).toThrow(SandboxError);
  });
});

describe(project.name, () => {
  it('collapses related objects to {id, url} unless expanded', () => {
    expect(project(invoice, parseFields('*'), 'Invoice', schemas)).toEqual({
      id: 7,
      amount: 125,
      customer: { id: 3, url: 'c/3' },
      orders: [{ id: 9, url: 'o/9' }],
    });
    expect(project(invoice, parseFields('id,customer(name)'), 'Invoice', schemas)).toEqual({
      id: 7,
      customer: { name: 'Fjordkanten AS' },
    });
  });

  it('answers 400 for a field the model does not have', () => {
    expect(() => project(invoice, parseFields('id,kid'), 'Invoice', schemas)).toThrow(
      /Illegal field in fields filter: kid/,
    );
  });
});
