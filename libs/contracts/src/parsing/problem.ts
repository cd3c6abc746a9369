/** One thing wrong with an event, addressed by a JSON path such as `lines[0].totalGross`. */
export interface Problem {
  /** JSON path of the offending field; `''` for the record as a whole. */
  path: string;
  /** Stable machine-readable code, e.g. `UNBALANCED` or `isInt`. */
  code: string;
  /** Plain-words explanation for a POS developer. */
  message: string;
}

export type ParseResult<T> = { ok: true; event: T } | { ok: false; problems: Problem[] };

export const ProblemCodes = {
  Empty: 'EMPTY',
  TooLarge: 'TOO_LARGE',
  TooDeep: 'TOO_DEEP',
  TooManyValues: 'TOO_MANY_VALUES',
  /** The checking itself failed (never the record's fault alone); the record is still refused. */
  Unprocessable: 'UNPROCESSABLE',
  InvalidUtf8: 'INVALID_UTF8',
  InvalidJson: 'INVALID_JSON',
  NotAnObject: 'NOT_AN_OBJECT',
  UnknownField: 'UNKNOWN_FIELD',
  UnsupportedSchemaVersion: 'UNSUPPORTED_SCHEMA_VERSION',
  UnknownTopic: 'UNKNOWN_TOPIC',
  Unbalanced: 'UNBALANCED',
  LineTotalMismatch: 'LINE_TOTAL_MISMATCH',
  SaleSign: 'SALE_SIGN',
  RefundSign: 'REFUND_SIGN',
  InvoiceMixed: 'INVOICE_MIXED',
  InvoiceBlockMissing: 'INVOICE_BLOCK_MISSING',
  InvoiceBlockForbidden: 'INVOICE_BLOCK_FORBIDDEN',
  RefundOfForbidden: 'REFUND_OF_FORBIDDEN',
  GiftCardLine: 'GIFT_CARD_LINE',
  OutsideVatLawRate: 'OUTSIDE_VAT_LAW_RATE',
} as const;
