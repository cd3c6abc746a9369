import type { components, operations } from './generated/tripletex-api';

/** Schemas of Tripletex API v2 as its own OpenAPI document (2.74) defines them. */
export type Schemas = components['schemas'];

export type Customer = Schemas['Customer'];
export type Company = Schemas['Company'];
export type LoggedInUserInfo = Schemas['LoggedInUserInfo'];
export type SessionToken = Schemas['SessionToken'];
export type Account = Schemas['Account'];
export type VatType = Schemas['VatType'];
export type VoucherType = Schemas['VoucherType'];
export type Voucher = Schemas['Voucher'];
export type Posting = Schemas['Posting'];
export type Order = Schemas['Order'];
export type OrderLine = Schemas['OrderLine'];
export type Invoice = Schemas['Invoice'];
export type Subscription = Schemas['Subscription'];
export type PaymentType = Schemas['PaymentType'];
export type AccountingPeriod = Schemas['AccountingPeriod'];
export type Department = Schemas['Department'];
export type Product = Schemas['Product'];
export type Entitlement = Schemas['Entitlement'];

/** Query parameters of an operation, by its operationId. */
export type QueryOf<Op extends keyof operations> = operations[Op]['parameters'] extends {
  query?: infer Q;
}
  ? NonNullable<Q>
  : never;

/** `{ value: T }`: Tripletex's single-object envelope. */
export interface ValueEnvelope<T> {
  value: T;
}

/** Tripletex's list envelope. `fullResultSize` is deprecated and inexact: never page by it. */
export interface ListEnvelope<T> {
  fullResultSize?: number;
  from?: number;
  count?: number;
  versionDigest?: string;
  values?: T[];
}

/**
 * Tripletex's error envelope. The spec describes it only in prose (info.description,
 * "Error/warning envelope"), not as a schema, so it is written out here; real responses also
 * carry `path` and `rootId` on each validation message (shared/tripletex/FACTS.md fact 16).
 */
export interface TripletexErrorBody {
  status?: number;
  code?: number;
  message?: string;
  link?: string;
  developerMessage?: string | null;
  validationMessages?:
    | { field?: string | null; message?: string; path?: string | null; rootId?: number | null }[]
    | null;
  requestId?: string;
}
