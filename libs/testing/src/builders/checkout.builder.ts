import { randomUUID } from 'node:crypto';

export interface LineSpec {
  description?: string;
  productGroupId?: string;
  quantity?: number;
  unitPriceGross: number;
  discountGross?: number;
  vatRate?: 25 | 15 | 12 | 0;
  takeaway?: boolean;
  /** GIFT_CARD: a gift card sold (give it vatRate 0). Left out of the record unless set. */
  lineType?: 'ITEM' | 'GIFT_CARD';
  /** A 0 % line outside the VAT law. Left out of the record unless set. */
  outsideVatLaw?: boolean;
}

export interface CheckoutSpec {
  eventId?: string;
  companyId: string;
  locationId?: string;
  receiptNumber?: string;
  kind?: 'SALE' | 'REFUND';
  completedAt?: string;
  lines: LineSpec[];
  /** Payment method; INVOICE adds the invoice block. Default CARD. */
  method?: 'CASH' | 'CARD' | 'VIPPS' | 'GIFT_CARD' | 'INVOICE' | 'OTHER';
  tip?: number;
  rounding?: number;
  invoice?: { customerId: number; reference?: string; comment?: string; sendType?: string };
  refundOf?: { eventId: string; receiptNumber: string };
}

let receipt = 50_000;

/** round(q × p) in øre, half away from zero, computed exactly (as the contract demands). */
function gross(quantity: number, unitPrice: number): number {
  const p = BigInt(Math.round(quantity * 1000)) * BigInt(unitPrice);
  const neg = p < 0n;
  const abs = neg ? -p : p;
  const r = abs / 1000n + (abs % 1000n >= 500n ? 1n : 0n);
  return Number(neg ? -r : r);
}

/**
 * A valid pos.checkout.completed.v1 with consistent totals (line totals, balance, signs), so a
 * test states only what it is about.
 */
export function aCheckout(spec: CheckoutSpec): Record<string, unknown> {
  const kind = spec.kind ?? 'SALE';
  const sign = kind === 'REFUND' ? -1 : 1;
  const lines = spec.lines.map((l, i) => {
    const quantity = sign * Math.abs(l.quantity ?? 1);
    const discount = l.discountGross ?? 0;
    const total = gross(quantity, l.unitPriceGross) - sign * discount;
    return {
      lineId: String(i + 1),
      articleId: `article-${i + 1}`,
      description: l.description ?? `Vare ${i + 1}`,
      productGroupId: l.productGroupId ?? 'food',
      quantity,
      unitPriceGross: l.unitPriceGross,
      discountGross: discount,
      totalGross: total,
      vatRate: l.vatRate ?? 25,
      takeaway: l.takeaway ?? false,
      ...(l.lineType !== undefined ? { lineType: l.lineType } : {}),
      ...(l.outsideVatLaw !== undefined ? { outsideVatLaw: l.outsideVatLaw } : {}),
    };
  });
  const tip = sign * Math.abs(spec.tip ?? 0);
  const rounding = spec.rounding ?? 0;
  const amount = lines.reduce((s, l) => s + l.totalGross, 0) + tip + rounding;
  const method = spec.method ?? (spec.invoice ? 'INVOICE' : 'CARD');
  return {
    eventId: spec.eventId ?? randomUUID(),
    schemaVersion: 1,
    companyId: spec.companyId,
    locationId: spec.locationId ?? 'oslo-sentrum',
    receiptNumber: spec.receiptNumber ?? String(receipt++),
    kind,
    ...(spec.refundOf ? { refundOf: spec.refundOf } : {}),
    completedAt: spec.completedAt ?? '2026-11-24T12:00:00+01:00',
    currency: 'NOK',
    lines,
    payments: [{ paymentMethodId: method.toLowerCase(), method, amount }],
    tip,
    rounding,
    ...(spec.invoice ? { invoice: spec.invoice } : {}),
  };
}
