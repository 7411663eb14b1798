// LIKE patterns built from text people or filters give: the text's own `\`, `%` and `_` match themselves (they are
// escaped, and the query says `escape '\'`), so only the wildcards we add are wildcards.
import { sql, type AnyColumn, type SQL } from 'drizzle-orm';

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (ch) => '\\' + ch);

/** `column` contains `text`, ignoring case. */
export function containsText(column: AnyColumn, text: string): SQL {
	return sql`lower(${column}) like ${`%${escapeLike(text.toLowerCase())}%`} escape '\\'`;
}

/** `column` starts with `prefix`, exactly. */
export function startsWith(column: AnyColumn, prefix: string): SQL {
	return sql`${column} like ${`${escapeLike(prefix)}%`} escape '\\'`;
}
