import { Injectable } from '@nestjs/common';
import { TripletexCompanyClient, TripletexError } from '@pos-tripletex/tripletex';
import { InvoicingErrors } from '../invoicing.errors';

/** One product this system keeps in a company's Tripletex: its number, VAT code and account. */
export interface ProductSpec {
  /** E.g. `POS-food-E-3`: product group, eat-in (E) or takeaway (T), VAT code. */
  number: string;
  name: string;
  vatTypeId: number;
  /** The income account the operator mapped (Tripletex books the line's revenue there). */
  accountId: number;
}

/**
 * Tripletex books an invoice line's revenue on its product's account (when the product's VAT code
 * is the line's), and a line cannot name an account itself (FACTS 27). So each (product group,
 * eat-in/takeaway, VAT code) the company invoices gets one product, and tips one of their own,
 * whose account is the one mapped in the wizard; a product whose account or code no longer matches
 * the mapping is moved. Found by number first (a product made by an earlier attempt or another
 * instance is reused; a number taken meanwhile is looked up again), remembered per company and
 * mapping.
 */
@Injectable()
export class ProductCatalog {
  private readonly known = new Map<string, number>();
  /** Look-ups under way: concurrent requests for one product wait for the same one. */
  private readonly pending = new Map<string, Promise<number>>();

  async productFor(client: TripletexCompanyClient, spec: ProductSpec): Promise<number> {
    const key = `${client.credentials.key}|${spec.number}|${spec.accountId}|${spec.vatTypeId}`;
    const cached = this.known.get(key);
    if (cached !== undefined) return cached;
    let pending = this.pending.get(key);
    if (!pending) {
      pending = this.ensure(client, spec).finally(() => this.pending.delete(key));
      this.pending.set(key, pending);
    }
    try {
      const id = await pending;
      this.known.set(key, id);
      return id;
    } catch (error) {
      if (TripletexError.is(error, 'validation'))
        throw InvoicingErrors.productRefused(spec.number, error.message);
      throw error;
    }
  }

  private async ensure(client: TripletexCompanyClient, spec: ProductSpec): Promise<number> {
    let found = await this.find(client, spec.number);
    if (!found) {
      try {
        const created = await client.postProduct({
          name: spec.name,
          number: spec.number,
          vatType: { id: spec.vatTypeId },
          account: { id: spec.accountId },
        });
        return created.id as number;
      } catch (error) {
        // Another instance made it between our look-up and our create.
        if (!TripletexError.is(error, 'validation') || !/er i bruk/.test(error.message))
          throw error;
        found = await this.find(client, spec.number);
        if (!found) throw error;
      }
    }
    if (found.account?.id !== spec.accountId || found.vatType?.id !== spec.vatTypeId)
      await client.putProduct(found.id as number, {
        version: found.version,
        vatType: { id: spec.vatTypeId },
        account: { id: spec.accountId },
      });
    return found.id as number;
  }

  private async find(client: TripletexCompanyClient, number: string) {
    const page = await client.listProducts({
      productNumber: [number],
      fields: 'id,number,version,account(id),vatType(id)',
    });
    return (page.values ?? []).find((product) => product.number === number);
  }
}
