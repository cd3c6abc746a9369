import type { ListEnvelope } from '../types';
export type PageFetcher<T> = (from: number, count: number) => Promise<ListEnvelope<T>>;
/**
 * Every item of a Tripletex list, one page at a time (`from`/`count`), never more than a page in
 * memory. Stops at the first page with fewer items than asked for: `fullResultSize` is
 * deprecated and inexact, so it is never used to decide.
 */
export declare function paginate<T>(fetchPage: PageFetcher<T>, pageSize?: number): AsyncGenerator<T, void, undefined>;
