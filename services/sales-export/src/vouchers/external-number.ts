import { createHash } from 'node:crypto';

const MAX = 70;
const hash = (text: string, length: number) =>
  createHash('sha256').update(text).digest('hex').slice(0, length);

/**
 * The voucher's `externalVoucherNumber` (Tripletex allows at most 70 characters): the same day,
 * location and sequence always give the same number, so a retry finds what an earlier attempt
 * posted. `POS-<company hash>-<yyyymmdd>-<seq>-<location>`; a location id too long to fit is
 * replaced by a hash of it. The company hash keeps two BackOffice companies that book into one
 * Tripletex company apart.
 */
export function externalVoucherNumber(
  companyId: string,
  locationId: string,
  businessDay: string,
  seq: number,
): string {
  const head = `POS-${hash(companyId, 6)}-${businessDay.replaceAll('-', '')}-${seq}-`;
  return head.length + locationId.length <= MAX
    ? `${head}${locationId}`
    : `${head}${hash(locationId, 16)}`;
}
