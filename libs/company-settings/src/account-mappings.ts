import type { AccountMappingsV1, OtherEventKind } from '@pos-tripletex/contracts';

/**
 * The account for a product group's sales at a rate, eat-in or takeaway – one rule for the day
 * voucher (sales-export) and the invoice's products (invoicing). A group mapped once has that
 * account for every rate (the account rules check it takes the rate's code); a group mapped per
 * rate has the one for this rate, else one mapped without a rate.
 */
export function productGroupAccount(
  mappings: AccountMappingsV1,
  productGroupId: string,
  takeaway: boolean,
  vatRate: number,
): number | undefined {
  const candidates = mappings.productGroups.filter(
    (mapping) => mapping.productGroupId === productGroupId && mapping.takeaway === takeaway,
  );
  if (candidates.length === 1) return candidates[0].accountId;
  return (
    candidates.find((mapping) => mapping.vatRate === vatRate) ??
    candidates.find((mapping) => mapping.vatRate === undefined)
  )?.accountId;
}

/** The account mapped for one of the other events (tips, rounding, gift cards sold, …). */
export function otherEventAccount(
  mappings: AccountMappingsV1,
  event: OtherEventKind,
): number | undefined {
  return mappings.otherEvents.find((mapping) => mapping.event === event)?.accountId;
}
