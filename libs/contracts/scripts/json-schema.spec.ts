import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { allTopics, recordRejection, Topics } from '../src';
import { SCHEMA_DIR, schemaFiles } from './json-schema';

const examples = resolve(__dirname, '../fixtures/checkout-completed.v1');

describe('published JSON Schemas', () => {
  it('are up to date with the event classes (run `npx nx run contracts:schemas` if not)', () => {
    for (const [file, content] of Object.entries(schemaFiles())) {
      expect(readFileSync(join(SCHEMA_DIR, file), 'utf8')).toBe(content);
    }
  });

  it('are one per topic of the registry, and nothing else', () => {
    expect(readdirSync(SCHEMA_DIR).sort()).toEqual(allTopics.map((t) => `${t}.schema.json`).sort());
  });

  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);

  it.each([...allTopics])('compile: %s', (topic) => {
    const schema = JSON.parse(readFileSync(join(SCHEMA_DIR, `${topic}.schema.json`), 'utf8'));
    expect(schema.title).toBe(topic);
    const own = new Ajv2020({ allErrors: true, strict: false });
    addFormats(own);
    expect(() => own.compile(schema)).not.toThrow();
  });
  const validate = ajv.compile(
    JSON.parse(readFileSync(join(SCHEMA_DIR, `${Topics.CheckoutCompletedV1}.schema.json`), 'utf8')),
  );

  it.each(readdirSync(join(examples, 'valid')))('accept valid/%s', (file) => {
    const ok = validate(JSON.parse(readFileSync(join(examples, 'valid', file), 'utf8')));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  // The structural rules a schema can express; cross-field rules live in parseEvent only.
  it.each([
    'bad-company-id.json',
    'bad-uuid.json',
    'bad-vatrate.json',
    'currency-eur.json',
    'customer-id-string.json',
    'empty-lines.json',
    'empty-payments.json',
    'float-amount.json',
    'long-description.json',
    'missing-eventid.json',
    'no-offset-datetime.json',
    'rounding-too-big.json',
    'schema-version-2.json',
    'string-amount.json',
    'unknown-field.json',
    'unknown-method.json',
    'array-not-object.json',
  ])('reject invalid/%s', (file) => {
    expect(validate(JSON.parse(readFileSync(join(examples, 'invalid', file), 'utf8')))).toBe(false);
  });

  it('publish a rejection schema that the rejection events meet', () => {
    const rejection = ajv.compile(
      JSON.parse(readFileSync(join(SCHEMA_DIR, `${Topics.RecordRejectedV1}.schema.json`), 'utf8')),
    );
    const event = recordRejection({
      rejectedBy: 'sales-export',
      topic: Topics.CheckoutCompletedV1,
      partition: 2,
      offset: '17',
      key: Buffer.from('rest-1'),
      value: Buffer.from(
        '{"companyId":"rest-1","locationId":"oslo","lines":[[[[[[[[[[0]]]]]]]]]]}',
      ),
      code: 'CONTRACT_VIOLATION',
      message: '1 problem(s)',
      problems: [{ path: 'lines[0]', code: 'TOO_DEEP', message: 'too deep' }],
    });
    expect(rejection(JSON.parse(JSON.stringify(event)))).toBe(true);
    expect(rejection({ ...event, problems: 'none' })).toBe(false);
  });
});
