import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ProblemCodes, Topics, parseEvent } from '../index';

// Every published example of pos.checkout.completed.v1 must be judged the way its name says:
// the project's own copy always, and ../shared/contracts/examples too when it is checked out
// beside the repository (SHARED_DIR overrides where to look).

/** Why each invalid example must be rejected: the path and code of the problem it must report. */
const expectedReasons: Record<string, { path: string; code: string }> = {
  'array-not-object.json': { path: '', code: ProblemCodes.NotAnObject },
  'bad-company-id.json': { path: 'companyId', code: 'matches' },
  'bad-uuid.json': { path: 'eventId', code: 'isUuid' },
  'bad-vatrate.json': { path: 'lines[0].vatRate', code: 'isIn' },
  'currency-eur.json': { path: 'currency', code: 'equals' },
  'customer-id-string.json': { path: 'invoice.customerId', code: 'isSafeInteger' },
  'empty-lines.json': { path: 'lines', code: 'arrayMinSize' },
  'empty-payments.json': { path: 'payments', code: 'arrayMinSize' },
  'float-amount.json': { path: 'payments[0].amount', code: 'isSafeInteger' },
  'giftcard-line-takeaway.json': { path: 'lines[0].takeaway', code: ProblemCodes.GiftCardLine },
  'giftcard-line-with-vat.json': { path: 'lines[0].vatRate', code: ProblemCodes.GiftCardLine },
  'huge-amount.json': { path: 'lines[0].unitPriceGross', code: 'isSafeInteger' },
  'invoice-block-without-invoice-payment.json': {
    path: 'invoice',
    code: ProblemCodes.InvoiceBlockForbidden,
  },
  'invoice-mixed.json': { path: 'payments', code: ProblemCodes.InvoiceMixed },
  'invoice-without-block.json': { path: 'invoice', code: ProblemCodes.InvoiceBlockMissing },
  'long-description.json': { path: 'lines[0].description', code: 'isLength' },
  'missing-eventid.json': { path: 'eventId', code: 'isUuid' },
  'negative-sale-line.json': { path: 'lines[0].totalGross', code: ProblemCodes.SaleSign },
  'negative-tip-sale.json': { path: 'tip', code: ProblemCodes.SaleSign },
  'no-offset-datetime.json': { path: 'completedAt', code: 'isRfc3339WithOffset' },
  'outside-vat-law-string.json': { path: 'lines[0].outsideVatLaw', code: 'isBoolean' },
  'outside-vat-law-with-rate.json': {
    path: 'lines[0].outsideVatLaw',
    code: ProblemCodes.OutsideVatLawRate,
  },
  'refund-positive.json': { path: 'lines[0].totalGross', code: ProblemCodes.RefundSign },
  'rounding-too-big.json': { path: 'rounding', code: 'max' },
  'schema-version-2.json': { path: 'schemaVersion', code: 'equals' },
  'string-amount.json': { path: 'payments[0].amount', code: 'isSafeInteger' },
  'too-many-decimals.json': { path: 'lines[0].quantity', code: 'hasAtMostThreeDecimals' },
  'truncated-json.json': { path: '', code: ProblemCodes.InvalidJson },
  'unbalanced.json': { path: 'payments', code: ProblemCodes.Unbalanced },
  'unknown-field.json': { path: 'discountCode', code: ProblemCodes.UnknownField },
  'unknown-line-type.json': { path: 'lines[0].lineType', code: 'isIn' },
  'unknown-method.json': { path: 'payments[0].method', code: 'isIn' },
  'wrong-total.json': { path: 'lines[0].totalGross', code: ProblemCodes.LineTotalMismatch },
};

const ownExamples = resolve(__dirname, '../../fixtures/checkout-completed.v1');
const sharedExamples = resolve(
  process.env.SHARED_DIR ?? resolve(__dirname, '../../../../../shared'),
  'contracts/examples',
);
const sources = [ownExamples, ...(existsSync(sharedExamples) ? [sharedExamples] : [])];

const files = (dir: string) =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .sort()
    : [];

describe.each(sources)('checkout examples in %s', (dir) => {
  const valid = files(join(dir, 'valid'));
  const invalid = files(join(dir, 'invalid'));

  it('has examples to check', () => {
    expect(valid.length).toBeGreaterThan(0);
    expect(invalid.length).toBeGreaterThan(0);
  });

  it.each(valid)('accepts valid/%s', (file) => {
    const result = parseEvent(Topics.CheckoutCompletedV1, readFileSync(join(dir, 'valid', file)));
    expect(result).toMatchObject({ ok: true });
  });

  it.each(invalid)('rejects invalid/%s for the reason its name gives', (file) => {
    const expected = expectedReasons[file];
    expect(expected).toBeDefined(); // a new example needs its reason written down above
    const result = parseEvent(Topics.CheckoutCompletedV1, readFileSync(join(dir, 'invalid', file)));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toContainEqual(expect.objectContaining(expected));
    for (const problem of result.problems) expect(problem.message.length).toBeGreaterThan(0);
  });
});

it('keeps every example of ../shared in the project copy, unchanged (the copy may hold more)', () => {
  if (!existsSync(sharedExamples)) return;
  for (const kind of ['valid', 'invalid']) {
    const own = files(join(ownExamples, kind));
    for (const f of files(join(sharedExamples, kind))) {
      expect(own).toContain(f);
      expect(readFileSync(join(ownExamples, kind, f), 'utf8')).toBe(
        readFileSync(join(sharedExamples, kind, f), 'utf8'),
      );
    }
  }
});
