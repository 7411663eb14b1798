// Cursor paging, the contract every list that grows with the data follows (server and browser).
//
// A list route takes `?cursor=&limit=` (merge `pageQuery` into its strict query schema) and answers
// `{ <list>: [...], nextCursor, ...its other fields }`. `nextCursor` is null on the last page; otherwise passing it
// back as `cursor` (with the same filters and sort) gives the rows right after the last one received. A cursor is
// opaque: clients never build or read one. Pages are cut by the sort key (keyset), so walking them yields every
// row exactly once even while rows are added elsewhere in the list.
import { z } from 'zod';

/** The page size when none is asked for, and the largest a caller may ask for. */
const PAGE_DEFAULT = 50;
export const PAGE_MAX = 100;
/** Cursors are short (a few sort-key values); anything longer is not one of ours. */
const CURSOR_MAX_LENGTH = 512;

/** The paging part of a list's query schema: spread it into the list's `z.strictObject({...})`. */
export const pageQuery = {
	cursor: z.string().min(1).max(CURSOR_MAX_LENGTH).optional(),
	limit: z.coerce.number().int().min(1).max(PAGE_MAX).default(PAGE_DEFAULT)
};

/** The paging part of a query after validation. */
export interface PageRequest {
	cursor?: string;
	limit: number;
}

/** The first page at the default size (what a write answers with when it returns its list). */
export const FIRST_PAGE: PageRequest = { limit: PAGE_DEFAULT };

/** The paging part of a list's answer. */
export interface Paged {
	nextCursor: string | null;
}

/** The query of a list that has no filters: only its page. */
export const pageOnlyQuerySchema = z.strictObject(pageQuery);
