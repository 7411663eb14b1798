// Item import contracts shared by server and browser: the formats `POST /api/projects/:pid/items/import`
// accepts, its answer, and the per-line problems of a rejected import (`error.details`).
export const IMPORT_FORMATS = ['jsonl', 'csv', 'labelstudio', 'zip'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export interface ImportResult {
	/** Items inserted. */
	imported: number;
	/** Records not inserted because the item is already in the project (or repeats an earlier record). */
	skipped: number;
	/** Valid records read. */
	total: number;
}

/** One bad record: its 1-based line (0 = the file as a whole) and what is wrong with it. */
export interface LineProblem {
	line: number;
	message: string;
}
