import { describeOpenApi } from '@pos-tripletex/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openApiDocument } from './bootstrap';

describeOpenApi(join(__dirname, '..'), openApiDocument);

describe("onboarding's committed OpenAPI document", () => {
  type Schema = { type?: string; nullable?: boolean; properties?: Record<string, Schema> };
  const schemas = (
    JSON.parse(readFileSync(join(__dirname, '../openapi.json'), 'utf8')) as {
      components: { schemas: Record<string, Schema> };
    }
  ).components.schemas;

  it('types every accountId as a nullable integer, the way the API takes and answers it', () => {
    const accountIds = Object.entries(schemas).flatMap(([name, schema]) =>
      schema.properties?.accountId ? [[name, schema.properties.accountId] as const] : [],
    );
    expect(accountIds.map(([name]) => name).sort()).toEqual([
      'OtherEventMappingDto',
      'OtherEventMappingView',
      'PaymentMethodMappingDto',
      'PaymentMethodMappingView',
      'ProductGroupMappingDto',
      'ProductGroupMappingView',
    ]);
    for (const [, accountId] of accountIds)
      expect(accountId).toMatchObject({ type: 'integer', nullable: true });
  });

  it("reads back each payment method's kind", () => {
    expect(schemas.PaymentMethodMappingView.properties?.method).toMatchObject({
      type: 'string',
      nullable: true,
    });
  });
});
