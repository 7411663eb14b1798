// Maps foreign records to raw item inputs (validated afterwards by ImportBatch): Label Studio tasks and CSV rows
// of text items. Pure. Label Studio tasks exported by Concord carry `data.modality` + `data.payload` and come
// back exactly; other tasks are mapped by the fields their `data` has.
import type { LineProblem } from './item-import';

/**
 * The external id of the item a Label Studio task stands for: `data.externalId` (tasks Concord exported), else
 * `ls-<task id>`. Judge score imports find their items by the same rule, so predictions on imported tasks match.
 */
export function labelStudioExternalId(task: { id?: unknown; data?: Record<string, unknown> }): string | undefined {
	const d = task.data ?? {};
	if (typeof d.externalId === 'string') return d.externalId;
	// Label Studio ids are numbers (or strings); anything else is not an id
	return typeof task.id === 'number' || typeof task.id === 'string' ? `ls-${task.id}` : undefined;
}

/** Label Studio tasks: `[{ id, data: {...}, meta? }]`. `data` maps to a modality by the fields it has. */
export function labelStudioToItem(task: unknown): unknown {
	if (typeof task !== 'object' || task === null) return task;
	const t = task as { id?: unknown; data?: Record<string, unknown>; meta?: Record<string, unknown> };
	const d = t.data ?? {};
	const externalId = labelStudioExternalId(t);
	const metadata =
		typeof d.metadata === 'object' && d.metadata !== null ? d.metadata : { ...(t.meta ?? {}), source: 'labelstudio' };
	const base = { externalId, language: d.language ?? 'en', metadata, ...(d.gold ? { gold: d.gold } : {}) };
	if (typeof d.modality === 'string' && d.payload) return { ...base, modality: d.modality, payload: d.payload };
	if (Array.isArray(d.responses))
		return { ...base, modality: 'pairwise', payload: { prompt: d.prompt, responses: d.responses } };
	if (d.answer1 !== undefined && d.answer2 !== undefined)
		return {
			...base,
			modality: 'pairwise',
			payload: {
				prompt: d.prompt,
				responses: [
					{ id: 'A', text: d.answer1 },
					{ id: 'B', text: d.answer2 }
				]
			}
		};
	if (Array.isArray(d.dialogue ?? d.turns))
		return { ...base, modality: 'chat', payload: { turns: d.dialogue ?? d.turns } };
	if (d.image !== undefined)
		return { ...base, modality: 'caption', payload: { image: { src: d.image }, caption: d.caption ?? d.text } };
	return {
		...base,
		modality: 'text',
		payload: { prompt: d.prompt ?? d.question, response: d.response ?? d.answer ?? d.text }
	};
}

/** Columns with a meaning; every other column becomes a metadata entry. */
const KNOWN: Record<string, 'prompt' | 'response' | 'system' | 'externalId' | 'language'> = {
	prompt: 'prompt',
	response: 'response',
	system: 'system',
	external_id: 'externalId',
	externalid: 'externalId',
	language: 'language'
};

export interface CsvLayout {
	names: string[];
	roles: (string | undefined)[];
}

/** Reads the header row: `prompt` and `response` are required, names must not repeat. */
export function csvLayout(header: string[], line: number): { layout: CsvLayout } | { problem: LineProblem } {
	const names = header.map((h, i) => (i === 0 ? h.replace(/^\uFEFF/, '') : h).trim());
	const lower = names.map((n) => n.toLowerCase());
	const missing = ['prompt', 'response'].filter((n) => !lower.includes(n));
	if (missing.length)
		return {
			problem: {
				line,
				message: `the header needs the ${missing.length === 1 ? 'column' : 'columns'} ${missing.join(', ')}`
			}
		};
	const repeated = lower.find((n, i) => lower.indexOf(n) !== i);
	if (repeated !== undefined)
		return { problem: { line, message: `the column "${repeated}" appears twice in the header` } };
	if (lower.some((n) => n === '')) return { problem: { line, message: 'a header column has no name' } };
	return { layout: { names, roles: lower.map((n) => KNOWN[n]) } };
}

/** One CSV row to a raw text item; a wrong number of fields is reported rather than guessed. */
export function csvRowToItem(layout: CsvLayout, fields: string[]): { value: unknown } | { message: string } {
	if (fields.length !== layout.names.length)
		return { message: `expected ${layout.names.length} fields, found ${fields.length}` };
	const payload: Record<string, string> = {};
	const metadata: Record<string, string> = {};
	let externalId: string | undefined;
	let language: string | undefined;
	fields.forEach((value, i) => {
		const role = layout.roles[i];
		if (role === 'externalId') externalId = value.trim() || undefined;
		else if (role === 'language') language = value.trim() || undefined;
		else if (role === 'prompt' || role === 'response' || role === 'system') {
			if (value !== '' || role !== 'system') payload[role] = value;
		} else if (value !== '') metadata[layout.names[i]] = value;
	});
	return { value: { externalId, modality: 'text', payload, language, metadata } };
}
