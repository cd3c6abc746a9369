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
  for (const line of checkout.lines)
    gross.set(line.vatRate, (gross.get(line.vatRate) ?? 0) + line.totalGross);
  if (checkout.tip) gross.set(0, (gross.get(0) ?? 0) + checkout.tip);
  return [...gross.entries()]
    .sort(([a], [b]) => b - a) // highest rate first
    .map(([rate, total]) => {
      const net = Math.sign(total) * Math.round((Math.abs(total) * 100) / (100 + rate));
      return { rate, net, vat: total - net, gross: total };
    });
}

/** The pro forma receipt of a checkout charged by invoice (amounts in øre). */
export function receiptOf(request: InvoiceRequestEntity): ProFormaReceipt {
  const checkout = request.checkout;
  const vat = vatPerRate(checkout);
  return {
    title: 'PRO FORMA',
    receiptNumber: checkout.receiptNumber,
    businessDay: request.businessDay,
    locationId: checkout.locationId,
    customer: { id: request.customerId, name: request.customerName },
    reference: checkout.invoice?.reference ?? null,
    comment: checkout.invoice?.comment ?? null,
    lines: checkout.lines.map((line) => ({
      description: line.description,
      quantity: line.quantity,
      unitPriceGross: line.unitPriceGross,
      discountGross: line.discountGross,
      totalGross: line.totalGross,
      vatRate: line.vatRate,
    })),
    tip: checkout.tip,
    vat,
    totals: {
      net: vat.reduce((sum, rate) => sum + rate.net, 0),
      vat: vat.reduce((sum, rate) => sum + rate.vat, 0),
      gross: vat.reduce((sum, rate) => sum + rate.gross, 0),
    },
    invoice: { status: request.status, invoiceNumber: request.invoiceNumber, kid: request.kid },
  };
}

const nok = (ore: number) =>
  (ore / 100)
    .toLocaleString('nb-NO', { minimumFractionDigits: 2, maximumFractionDigits: 2 })
    .replace(/\u00a0/g, ' ');
const row = (left: string, right: string, width = 42) =>
  `${left.slice(0, width - right.length - 1).padEnd(width - right.length)}${right}`;

/** The same receipt as printable text, 42 columns (a receipt printer's width). */
export function receiptText(receipt: ProFormaReceipt): string {
  const out = [
    '             PROFORMA-KVITTERING',
    '        (ikke en faktura – faktura sendes)',
    '',
    row('Kvittering', receipt.receiptNumber),
    row('Dato', receipt.businessDay),
    row('Kunde', receipt.customer.name ?? `#${receipt.customer.id}`),
  ];
  if (receipt.reference) out.push(row('Referanse', receipt.reference));
  out.push('-'.repeat(42));
  for (const line of receipt.lines) {
    out.push(line.description.slice(0, 42));
    out.push(
      row(
        `  ${line.quantity} x ${nok(line.unitPriceGross)}`,
        nok(line.totalGross + line.discountGross),
      ),
    );
    if (line.discountGross) out.push(row('  Rabatt', `-${nok(line.discountGross)}`));
  }
  if (receipt.tip) out.push(row('Tips', nok(receipt.tip)));
  out.push('-'.repeat(42));
  for (const rate of receipt.vat)
    out.push(row(`MVA ${rate.rate} % av ${nok(rate.net)}`, nok(rate.vat)));
  out.push(
    row('Sum eks. MVA', nok(receipt.totals.net)),
    row('MVA', nok(receipt.totals.vat)),
    row('TOTALT NOK', nok(receipt.totals.gross)),
  );
  if (receipt.comment) out.push('', ...receipt.comment.match(/.{1,42}/g)!);
  if (receipt.invoice.invoiceNumber)
    out.push(
      '',
      row('Fakturanummer', String(receipt.invoice.invoiceNumber)),
      row('KID', receipt.invoice.kid ?? ''),
    );
  return `${out.join('\n')}\n`;
}
