import { Injectable } from '@nestjs/common';
import { CustomerChangedV1, Topics } from '@pos-tripletex/contracts';
import { Outbox, OutgoingEvent } from '@pos-tripletex/messaging';
import type { Customer } from '@pos-tripletex/tripletex';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { SERVICE_NAME } from '../bootstrap';
import { CustomerSearch } from './customer-search';

/** The Tripletex fields we keep (and ask for with `fields`, nothing more). */
export const CUSTOMER_FIELDS =
  'id,version,customerNumber,name,organizationNumber,email,invoiceEmail,phoneNumberMobile,isInactive,isPrivateIndividual,invoicesDueIn,invoicesDueInType';

/** A customer as the API answers it. */
export interface CustomerView {
  customerId: number;
  customerNumber: number | null;
  name: string;
  organizationNumber: string | null;
  email: string | null;
  invoiceEmail: string | null;
  phoneNumberMobile: string | null;
  isInactive: boolean;
  isPrivateIndividual: boolean;
  invoicesDueIn: number | null;
  invoicesDueInType: string | null;
  version: number;
  updatedAt: Date;
}

/** A page of a list, as Tripletex pages: `count` is how many `values` this page holds. */
export interface CustomerPage {
  total: number;
  from: number;
  count: number;
  values: CustomerView[];
}

// customer_id is bigint (Tripletex ids are int64); float8 reads it as a JS number, exact below 2^53.
const VIEW_COLUMNS = `customer_id::float8 AS "customerId", customer_number AS "customerNumber", name,
  organization_number AS "organizationNumber", email, invoice_email AS "invoiceEmail",
  phone_number_mobile AS "phoneNumberMobile", is_inactive AS "isInactive",
  is_private_individual AS "isPrivateIndividual", invoices_due_in AS "invoicesDueIn",
  invoices_due_in_type AS "invoicesDueInType", version, updated_at AS "updatedAt"`;

/** A customer as stored (and as the upsert's jsonb_to_recordset reads it). */
interface CustomerRow {
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

/** Tripletex's customer as our row: blank texts are stored as null. */
export function toCustomerRow(customer: Customer): CustomerRow {
  const text = (value: string | undefined) => (value && value.trim() !== '' ? value : null);
  return {
    customer_id: customer.id as number,
    version: customer.version ?? 0,
    customer_number: customer.customerNumber ?? null,
    name: customer.name ?? '',
    organization_number: text(customer.organizationNumber),
    email: text(customer.email),
    invoice_email: text(customer.invoiceEmail),
    phone_number_mobile: text(customer.phoneNumberMobile),
    is_inactive: customer.isInactive === true,
    is_private_individual: customer.isPrivateIndividual === true,
    invoices_due_in: customer.invoicesDueIn ?? null,
    invoices_due_in_type: customer.invoicesDueInType ?? null,
  };
}

/**
 * The mirror of each company's Tripletex customers (`customers`). Writes take customers as
 * Tripletex returns them: one statement per page (never one per row), an older version never
 * overwrites a newer one, and a `customers.changed.v1` event for each row that actually changed,
 * through the outbox in the caller's transaction. Reads serve BackOffice's list and detail.
 */
@Injectable()
export class CustomersRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
  ) {}

  // ---- writes -----------------------------------------------------------------------------------

  /** Returns how many customers changed. `generation` marks them seen by that full sync. */
  async upsert(
    tx: EntityManager,
    companyId: string,
    customers: Customer[],
    generation: number | null,
  ): Promise<number> {
    if (customers.length === 0) return 0;
    const rows = customers.filter((customer) => typeof customer.id === 'number').map(toCustomerRow);
    const changed = await tx.query<CustomerRow[]>(
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
           deleted_at = NULL, withdrawn_at = NULL,
           seen_generation = GREATEST(c.seen_generation, COALESCE($3, c.seen_generation)),
           synced_at = now(),
           updated_at = CASE WHEN c.version <> EXCLUDED.version OR c.deleted_at IS NOT NULL OR c.withdrawn_at IS NOT NULL
             THEN now() ELSE c.updated_at END
         -- Never an older copy over a newer one; a customer deleted in Tripletex comes back only with
         -- a newer version (a copy read before the delete is stale); one withdrawn by a deactivation
         -- comes back with the first copy after reactivation.
         WHERE (c.withdrawn_at IS NOT NULL AND c.deleted_at IS NULL)
           OR (c.deleted_at IS NULL AND c.version <= EXCLUDED.version)
           OR (c.deleted_at IS NOT NULL AND c.version < EXCLUDED.version)
         RETURNING c.*
       )
       SELECT customer_id::float8 AS customer_id, version, customer_number, name, organization_number, email, invoice_email,
              phone_number_mobile, is_inactive, is_private_individual, invoices_due_in, invoices_due_in_type
       FROM upserted WHERE updated_at = now()`,
      [companyId, JSON.stringify(rows), generation],
    );
    await this.outbox.add(tx, ...changed.map((row) => this.changedEvent(companyId, row)));
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
    await this.outbox.add(tx, ...rows.map((row) => this.tombstone(companyId, row.customer_id)));
    return rows.map((row) => row.customer_id);
  }

  /**
   * The integration was deactivated: every customer the pick list offered leaves it (a
   * tombstone each on customers.changed.v1); the rows stay, marked withdrawn, until a full sync
   * after reactivation brings them back (and publishes them again). Returns how many.
   */
  async withdrawAll(tx: EntityManager, companyId: string): Promise<number> {
    const rows = await tx.query<{ customer_id: number }[]>(
      `WITH withdrawn AS (
         UPDATE customers SET withdrawn_at = now(), updated_at = now()
         WHERE company_id = $1 AND deleted_at IS NULL AND withdrawn_at IS NULL
         RETURNING customer_id
       ) SELECT customer_id::float8 AS customer_id FROM withdrawn`,
      [companyId],
    );
    await this.outbox.add(tx, ...rows.map((row) => this.tombstone(companyId, row.customer_id)));
    return rows.length;
  }

  // ---- reads ------------------------------------------------------------------------------------

  /** Customers a full sync of this generation did not see (candidates for deletion). */
  async notSeenIn(companyId: string, generation: number): Promise<number[]> {
    const rows = await this.dataSource.query<{ customer_id: number }[]>(
      `SELECT customer_id::float8 AS customer_id FROM customers WHERE company_id = $1 AND deleted_at IS NULL AND seen_generation < $2`,
      [companyId, generation],
    );
    return rows.map((row) => row.customer_id);
  }

  /**
   * How many of the company's customers the mirror holds (inactive ones included; deleted and
   * withdrawn ones not).
   */
  async countNotDeleted(companyId: string): Promise<number> {
    const [{ count }] = await this.dataSource.query<{ count: string }[]>(
      'SELECT count(*) AS count FROM customers WHERE company_id = $1 AND deleted_at IS NULL AND withdrawn_at IS NULL',
      [companyId],
    );
    return Number(count);
  }

  /** One page of a list query, with the total it pages through. */
  async search(search: CustomerSearch): Promise<CustomerPage> {
    const [{ total }] = await this.dataSource.query<{ total: string }[]>(
      `SELECT count(*) AS total FROM customers WHERE ${search.where}`,
      search.params,
    );
    // from and count are validated integers (CustomersQueryDto).
    const values = await this.dataSource.query<CustomerView[]>(
      `SELECT ${VIEW_COLUMNS} FROM customers WHERE ${search.where} ORDER BY ${search.orderBy} OFFSET ${search.from} LIMIT ${search.count}`,
      search.params,
    );
    return { total: Number(total), from: search.from, count: values.length, values };
  }

  /** One customer, unless unknown or deleted. */
  async find(companyId: string, customerId: number): Promise<CustomerView | null> {
    const [row] = await this.dataSource.query<CustomerView[]>(
      `SELECT ${VIEW_COLUMNS} FROM customers WHERE company_id = $1 AND customer_id = $2 AND deleted_at IS NULL AND withdrawn_at IS NULL`,
      [companyId, customerId],
    );
    return row ?? null;
  }

  // ---- events -----------------------------------------------------------------------------------

  private changedEvent(companyId: string, row: CustomerRow): OutgoingEvent {
    const value: CustomerChangedV1 = {
      eventId: randomUUID(),
      schemaVersion: 1,
      companyId,
      customerId: row.customer_id,
      customerNumber: row.customer_number ?? undefined,
      name: row.name,
      organizationNumber: row.organization_number ?? undefined,
      email: row.email ?? undefined,
      isInactive: row.is_inactive,
      pickable: !row.is_inactive,
      version: row.version,
      changedAt: new Date().toISOString(),
    };
    return {
      topic: Topics.CustomersChangedV1,
      key: `${companyId}:${row.customer_id}`,
      value,
      headers: { 'event-type': Topics.CustomersChangedV1, producer: SERVICE_NAME },
    };
  }

  private tombstone(companyId: string, customerId: number): OutgoingEvent {
    return {
      topic: Topics.CustomersChangedV1,
      key: `${companyId}:${customerId}`,
      value: null,
      headers: { 'event-type': Topics.CustomersChangedV1, producer: SERVICE_NAME },
    };
  }
}
