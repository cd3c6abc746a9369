import type { ValueTransformer } from 'typeorm';

/**
 * A `bigint` column read as a JavaScript number. Tripletex ids are int64; PostgreSQL's `integer`
 * stops at 2^31 − 1, so they are stored as bigint. The driver returns bigint as a string, and the
 * ids we store come from JSON numbers (the contracts accept safe integers only), so converting back
 * is exact.
 */
export const int64AsNumber: ValueTransformer = {
  to: (value: unknown) => value,
  from: (value: unknown) => (value === null || value === undefined ? value : Number(value)),
};
