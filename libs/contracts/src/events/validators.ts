import { ValidateBy, ValidationOptions, buildMessage } from 'class-validator';

/** Identifiers chosen by BackOffice/POS: 1–64 chars of `[A-Za-z0-9_-]`. */
export const ID64 = /^[A-Za-z0-9_-]{1,64}$/;

/** RFC 3339 date-time that carries an offset (`Z` or `±hh:mm`). */
const RFC3339_WITH_OFFSET =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-](\d{2}):(\d{2}))$/;

/** A calendar day `YYYY-MM-DD`. */
const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

function isRealDate(year: number, month: number, day: number): boolean {
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

export function isRfc3339WithOffset(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const m = RFC3339_WITH_OFFSET.exec(value);
  if (!m) return false;
  const [, y, mo, d, h, mi, s, , , oh, om] = m;
  if (!isRealDate(Number(y), Number(mo), Number(d))) return false;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return false;
  if (oh !== undefined && (Number(oh) > 23 || Number(om) > 59)) return false;
  return true;
}

export function isIsoDay(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const m = ISO_DAY.exec(value);
  return m !== null && isRealDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** An integer a JSON number can carry exactly: a string, a float or anything beyond ±2^53 fails. */
export function isSafeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

/** A finite number with at most three decimals, judged on its shortest decimal representation. */
export function hasAtMostThreeDecimals(value: unknown): value is number {
  return (
    typeof value === 'number' && Number.isFinite(value) && /^-?\d+(\.\d{1,3})?$/.test(String(value))
  );
}

export function IsRfc3339WithOffset(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isRfc3339WithOffset',
      validator: {
        validate: (value) => isRfc3339WithOffset(value),
        defaultMessage: buildMessage(
          (each) =>
            `${each}$property must be an RFC 3339 date-time with an offset, e.g. 2026-11-24T18:42:10+01:00`,
          options,
        ),
      },
    },
    options,
  );
}

export function IsIsoDay(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isIsoDay',
      validator: {
        validate: (value) => isIsoDay(value),
        defaultMessage: buildMessage(
          (each) => `${each}$property must be a calendar day YYYY-MM-DD`,
          options,
        ),
      },
    },
    options,
  );
}

export function IsSafeInteger(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isSafeInteger',
      validator: {
        validate: (value) => isSafeInteger(value),
        defaultMessage: buildMessage(
          (each) =>
            `${each}$property must be a whole number within ±2^53 (a JSON integer: strings and decimals are not accepted)`,
          options,
        ),
      },
    },
    options,
  );
}

export function HasAtMostThreeDecimals(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'hasAtMostThreeDecimals',
      validator: {
        validate: (value) => hasAtMostThreeDecimals(value),
        defaultMessage: buildMessage(
          (each) => `${each}$property must be a number with at most 3 decimals`,
          options,
        ),
      },
    },
    options,
  );
}
