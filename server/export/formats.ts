// The export formats on the server: the shared description (states, filters, extension) plus the content type
// and the writer of each.
import { EXPORT_FORMATS, EXPORT_FORMAT_INFO, type ExportFormat, type ExportFormatInfo } from '#shared/exports';
import type { ExportContext } from './context';
import { evaluationsCsvLong, evaluationsCsvWide, evaluationsJsonl } from './evaluation-formats';
import { goldJsonl, itemsJsonl, labelStudioJson } from './item-formats';
import { preferencePairs } from './pairs';
import { escalationsJsonl, guidelinesMarkdown } from './review-formats';
import { agreementCsv } from './agreement-table';

export { EXPORT_FORMATS, type ExportFormat };

const CONTENT_TYPES: Record<ExportFormatInfo['extension'], string> = {
	jsonl: 'application/x-ndjson; charset=utf-8',
	csv: 'text/csv; charset=utf-8; header=present',
	json: 'application/json; charset=utf-8',
	md: 'text/markdown; charset=utf-8'
};

const WRITERS: Record<ExportFormat, (ctx: ExportContext) => AsyncGenerator<string>> = {
	jsonl: evaluationsJsonl,
	csv: evaluationsCsvLong,
	'csv-wide': evaluationsCsvWide,
	labelstudio: labelStudioJson,
	agreement: agreementCsv,
	pairs: preferencePairs,
	escalations: escalationsJsonl,
	gold: goldJsonl,
	guidelines: guidelinesMarkdown,
	items: itemsJsonl
};

export interface FormatSpec extends ExportFormatInfo {
	contentType: string;
	write(ctx: ExportContext): AsyncGenerator<string>;
}

export function formatSpec(format: ExportFormat): FormatSpec {
	const info = EXPORT_FORMAT_INFO[format];
	return { ...info, contentType: CONTENT_TYPES[info.extension], write: WRITERS[format] };
}

/** For the API document: each response media type with the formats that produce it. */
export function exportMediaTypes(): Record<string, string> {
	const formats: Record<string, string[]> = {};
	for (const format of EXPORT_FORMATS) (formats[formatSpec(format).contentType.split(';')[0]] ??= []).push(format);
	return Object.fromEntries(Object.entries(formats).map(([type, list]) => [type, `format=${list.join(', ')}`]));
}

/** The state filter a format applies (its default when none is asked for); undefined means no filter. */
export function stateFilter(spec: ExportFormatInfo, requested: string | undefined): string | undefined {
	const state = requested ?? spec.states?.[0];
	return state === 'all' || state === 'any' ? undefined : state;
}

/** A project's name as a file name part: ASCII, lower case, dashes (`project` when nothing is left). */
export function projectSlug(projectName: string): string {
	return (
		projectName
			.normalize('NFKD')
			.replace(/[^\w\s-]/g, '')
			.trim()
			.toLowerCase()
			.replace(/[\s_-]+/g, '-')
			.slice(0, 60) || 'project'
	);
}

export function exportFilename(projectName: string, format: ExportFormat, now = new Date()): string {
	const slug = projectSlug(projectName);
	return `concord-${slug}-${format}-${now.toISOString().slice(0, 10)}.${EXPORT_FORMAT_INFO[format].extension}`;
}
