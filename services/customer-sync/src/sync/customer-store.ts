import { Injectable } from '@nestjs/common';
import { CustomerChangedV1, Topics } from '@pos-tripletex/contracts';
import { Outbox, OutgoingEvent } from '@pos-tripletex/messaging';
import type { Customer } from '@pos-tripletex/tripletex';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';

/** The Tripletex fields we keep (and ask for with `fields`, nothing more). */
export const CUSTOMER_FIELDS =
  'id,version,customerNumber,name,organizationNumber,email,invoiceEmail,phoneNumberMobile,isInactive,isPrivateIndividual,invoicesDueIn,invoicesDueInType';

interface Row {
  customer_id: number;
  version: number;
  customer_number: number | null;
  name: string;
  organization_number: string | null;
  email: string | null;
  invoice_email: string | null;
  phone_number_mobile: string | null;
  is_inactive: boolean;
  is_private_individual: boolean;
  invoices_due_in: number | null;
  invoices_due_in_type: string | null;
}

function toRow(c: Customer): Row {
  const empty = (s: string | undefined) => (s && s.trim() !== '' ? s : null);
  return {
    customer_id: c.id as number,
    version: c.version ?? 0,
    customer_number: c.customerNumber ?? null,
    name: c.name ?? '',
    organization_number: empty(c.organizationNumber),
    email: empty(c.email),
    invoice_email: empty(c.invoiceEmail),
    phone_number_mobile: empty(c.phoneNumberMobile),
    is_inactive: c.isInactive === true,
    is_private_individual: c.isPrivateIndividual === true,
    invoices_due_in: c.invoicesDueIn ?? null,
    invoices_due_in_type: c.invoicesDueInType ?? null,
  };
}

/**
 * Writes customers as Tripletex returns them: one statement per page (never one per row), an
 * older version never overwrites a newer one, and a `customers.changed.v1` event for each row that
 * actually changed, through the outbox in the same transaction.
 */
@Injectable()
export class CustomerStore {
  constructor(private readonly outbox: Outbox) {}

  /** Returns how many customers changed. `generation` marks them seen by that full sync. */
  async upsert(
    tx: EntityManager,
    companyId: string,
    customers: Customer[],
    generation: number | null,
  ): Promise<number> {
    if (customers.length === 0) return 0;
    const rows = customers.filter((c) => typeof c.id === 'number').map(toRow);
    const changed = await tx.query<Row[]>(
      `WITH incoming AS (
         SELECT * FROM jsonb_to_recordset($2::jsonb) AS x(
           customer_id bigint, version int, customer_number int, name text, organization_number text,
           email text, invoice_email text, phone_number_mobile text, is_inactive boolean,
           is_private_individual boolean, invoices_due_in int, invoices_due_in_type text)
       ), upserted AS (
         INSERT INTO customers AS c (company_id, customer_id, version, customer_number, name, organization_number,
           email, invoice_email, phone_number_mobile, is_inactive, is_private_individual, invoices_due_in,
           invoices_due_in_type, deleted_at, seen_generation, synced_at, updated_at)
         SELECT $1, i.customer_id, i.version, i.customer_number, i.name, i.organization_number, i.email,
           i.invoice_email, i.phone_number_mobile, i.is_inactive, i.is_private_individual, i.invoices_due_in,
           i.invoices_due_in_type, NULL, COALESCE($3, 0), now(), now()
         FROM incoming i
         ON CONFLICT (company_id, customer_id) DO UPDATE SET
           version = EXCLUDED.version, customer_number = EXCLUDED.customer_number, name = EXCLUDED.name,
           organization_number = EXCLUDED.organization_number, email = EXCLUDED.email,
           invoice_email = EXCLUDED.invoice_email, phone_number_mobile = EXCLUDED.phone_number_mobile,
           is_inactive = EXCLUDED.is_inactive, is_private_individual = EXCLUDED.is_private_individual,
           invoices_due_in = EXCLUDED.invoices_due_in, invoices_due_in_type = EXCLUDED.invoices_due_in_type,
           deleted_at = NULL,
           seen_generation = GREATEST(c.seen_generation, COALESCE($3, c.seen_generation)),
           synced_at = now(),
           updated_at = CASE WHEN c.version <> EXCLUDED.version OR c.deleted_at IS NOT NULL THEN now() ELSE c.updated_at END
         WHERE c.version <= EXCLUDED.version OR c.deleted_at IS NOT NULL
         RETURNING c.*
       )
       SELECT customer_id::float8 AS customer_id, version, customer_number, name, organization_number, email, invoice_email,
              phone_number_mobile, is_inactive, is_private_individual, invoices_due_in, invoices_due_in_type
       FROM upserted WHERE updated_at = now()`,
      [companyId, JSON.stringify(rows), generation],
    );
    await this.outbox.add(tx, ...changed.map((r) => this.changedEvent(companyId, r)));
    return changed.length;
  }

  /** Marks customers deleted (kept for history) and publishes tombstones. Returns the ids deleted. */
  async markDeleted(
    tx: EntityManager,
    companyId: string,
    customerIds: number[],
  ): Promise<number[]> {
    if (customerIds.length === 0) return [];
    const rows = await tx.query<{ customer_id: number }[]>(
      // A CTE, so TypeORM returns the rows (for a bare UPDATE it returns [rows, count]).
      `WITH deleted AS (
         UPDATE customers SET deleted_at = now(), updated_at = now()
         WHERE company_id = $1 AND customer_id = ANY($2::bigint[]) AND deleted_at IS NULL
         RETURNING customer_id
       ) SELECT customer_id::float8 AS customer_id FROM deleted`,
      [companyId, customerIds],
    );
    await this.outbox.add(tx, ...rows.map((r) => this.tombstone(companyId, r.customer_id)));
    return rows.map((r) => r.customer_id);
  }

  /** Customers a full sync of this generation did not see (candidates for deletion). */
  async notSeenIn(tx: EntityManager, companyId: string, generation: number): Promise<number[]> {
    const rows = await tx.query<{ customer_id: number }[]>(
      `SELECT customer_id::float8 AS customer_id FROM customers WHERE company_id = $1 AND deleted_at IS NULL AND seen_generation < $2`,
      [companyId, generation],
    );
    return rows.map((r) => r.customer_id);
  }

  private changedEvent(companyId: string, r: Row): OutgoingEvent {
    const value: CustomerChangedV1 = {
      eventId: randomUUID(),
      schemaVersion: 1,
      companyId,
      customerId: r.customer_id,
      customerNumber: r.customer_number ?? undefined,
      name: r.name,
      organizationNumber: r.organization_number ?? undefined,
      email: r.email ?? undefined,
      isInactive: r.is_inactive,
      pickable: !r.is_inactive,
      version: r.version,
      changedAt: new Date().toISOString(),
    };
    return {
      topic: Topics.CustomersChangedV1,
      key: `${companyId}:${r.customer_id}`,
      value,
      headers: { 'event-type': Topics.CustomersChangedV1, producer: 'customer-sync' },
    };
  }

  private tombstone(companyId: string, customerId: number): OutgoingEvent {
    return {
      topic: Topics.CustomersChangedV1,
      key: `${companyId}:${customerId}`,
      value: null,
      headers: { 'event-type': Topics.CustomersChangedV1, producer: 'customer-sync' },
    };
  }
}
