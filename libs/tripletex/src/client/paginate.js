"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.paginate = paginate;
/**
 * Every item of a Tripletex list, one page at a time (`from`/`count`), never more than a page in
 * memory. Stops at the first page with fewer items than asked for: `fullResultSize` is
 * deprecated and inexact, so it is never used to decide.
 */
async function* paginate(fetchPage, pageSize = 1000) {
    if (!Number.isInteger(pageSize) || pageSize < 1)
        throw new RangeError('pageSize must be a positive integer');
    for (let from = 0;; from += pageSize) {
        const page = await fetchPage(from, pageSize);
        const values = page.values ?? [];
        for (const value of values)
            yield value;
        if (values.length < pageSize)
            return;
    }
}
//# sourceMappingURL=paginate.js.map