import type { CheckoutCompletedV1 } from '@pos-tripletex/contracts';
import type { InvoiceRequestEntity } from './entities/invoice-request.entity';

export interface ProFormaReceipt {
  title: 'PRO FORMA';
  receiptNumber: string;
  businessDay: string;
  locationId: string;
  customer: { id: number; name: string | null };
  reference: string | null;
  comment: string | null;
  lines: {
    description: string;
    quantity: number;
    unitPriceGross: number;
    discountGross: number;
    totalGross: number;
    vatRate: number;
  }[];
  tip: number;
  vat: { rate: number; net: number; vat: number; gross: number }[];
  totals: { net: number; vat: number; gross: number };
  invoice: { status: string; invoiceNumber: number | null; kid: string | null };
}

/** VAT per rate, exactly in øre: the VAT of a gross amount is gross − round(gross × 100 / (100 + rate)). */
export function vatPerRate(checkout: CheckoutCompletedV1): ProFormaReceipt['vat'] {
  const gross = new Map<number, number>();
  for (const l of checkout.lines) gross.set(l.vatRate, (gross.get(l.vatRate) ?? 0) + l.totalGross);
  if (checkout.tip) gross.set(0, (gross.get(0) ?? 0) + checkout.tip);
  return [...gross.entries()]
    .sort(([a], [b]) => b - a)
    .map(([rate, g]) => {
      const net = Math.sign(g) * Math.round((Math.abs(g) * 100) / (100 + rate));
      return { rate, net, vat: g - net, gross: g };
    });
}

/** The pro forma receipt of a checkout charged by invoice (amounts in øre). */
export function receiptOf(r: InvoiceRequestEntity): ProFormaReceipt {
  const c = r.checkout;
  const vat = vatPerRate(c);
  return {
    title: 'PRO FORMA',
    receiptNumber: c.receiptNumber,
    businessDay: r.businessDay,
    locationId: c.locationId,
    customer: { id: r.customerId, name: r.customerName },
    reference: c.invoice?.reference ?? null,
    comment: c.invoice?.comment ?? null,
    lines: c.lines.map((l) => ({
      description: l.description,
      quantity: l.quantity,
      unitPriceGross: l.unitPriceGross,
      discountGross: l.discountGross,
      totalGross: l.totalGross,
      vatRate: l.vatRate,
    })),
    tip: c.tip,
    vat,
    totals: {
      net: vat.reduce((s, v) => s + v.net, 0),
      vat: vat.reduce((s, v) => s + v.vat, 0),
      gross: vat.reduce((s, v) => s + v.gross, 0),
    },
    invoice: { status: r.status, invoiceNumber: r.invoiceNumber, kid: r.kid },
  };
}

const nok = (ore: number) =>
  (ore / 100)
    .toLocaleString('nb-NO', { minimumFractionDigits: 2, maximumFractionDigits: 2 })
    .replace(/\u00a0/g, ' ');
const row = (left: string, right: string, width = 42) =>
  `${left.slice(0, width - right.length - 1).padEnd(width - right.length)}${right}`;

/** The same receipt as printable text, 42 columns (a receipt printer's width). */
export function receiptText(p: ProFormaReceipt): string {
  const out = [
    '             PROFORMA-KVITTERING',
    '        (ikke en faktura – faktura sendes)',
    '',
    row('Kvittering', p.receiptNumber),
    row('Dato', p.businessDay),
    row('Kunde', p.customer.name ?? `#${p.customer.id}`),
  ];
  if (p.reference) out.push(row('Referanse', p.reference));
  out.push('-'.repeat(42));
  for (const l of p.lines) {
    out.push(l.description.slice(0, 42));
    out.push(
      row(`  ${l.quantity} x ${nok(l.unitPriceGross)}`, nok(l.totalGross + l.discountGross)),
    );
    if (l.discountGross) out.push(row('  Rabatt', `-${nok(l.discountGross)}`));
  }
  if (p.tip) out.push(row('Tips', nok(p.tip)));
  out.push('-'.repeat(42));
  for (const v of p.vat) out.push(row(`MVA ${v.rate} % av ${nok(v.net)}`, nok(v.vat)));
  out.push(
    row('Sum eks. MVA', nok(p.totals.net)),
    row('MVA', nok(p.totals.vat)),
    row('TOTALT NOK', nok(p.totals.gross)),
  );
  if (p.comment) out.push('', ...p.comment.match(/.{1,42}/g)!);
  if (p.invoice.invoiceNumber)
    out.push(
      '',
      row('Fakturanummer', String(p.invoice.invoiceNumber)),
      row('KID', p.invoice.kid ?? ''),
    );
  return `${out.join('\n')}\n`;
}
