// Export contracts shared by server and browser: the formats, the `state` values each accepts (first = default),
// which filters each one honours, and how to build a download address.
export const EXPORT_FORMATS = [
	'jsonl',
	'csv',
	'csv-wide',
	'gold',
	'escalations',
	'agreement',
	'pairs',
	'labelstudio',
	'guidelines',
	'items'
] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

type ExportFilterName = 'from' | 'to' | 'state' | 'rubricVersion' | 'guidelineVersionId';

/** Evaluation states; `all` includes drafts. */
const EVALUATION_STATES = ['submitted', 'draft', 'all'] as const;
const ESCALATION_EXPORT_STATES = ['any', 'open', 'in_review', 'resolved', 'dismissed'] as const;

export interface ExportFormatInfo {
	extension: 'jsonl' | 'csv' | 'json' | 'md';
	/** Accepted `state` values, the first being the default; null when the format takes no state. */
	states: readonly string[] | null;
	filters: readonly ExportFilterName[];
}

const EVALUATION_FILTERS: readonly ExportFilterName[] = ['from', 'to', 'state', 'rubricVersion', 'guidelineVersionId'];
const SUBMITTED_FILTERS: readonly ExportFilterName[] = ['from', 'to', 'rubricVersion', 'guidelineVersionId'];

export const EXPORT_FORMAT_INFO: Record<ExportFormat, ExportFormatInfo> = {
	jsonl: { extension: 'jsonl', states: EVALUATION_STATES, filters: EVALUATION_FILTERS },
	csv: { extension: 'csv', states: EVALUATION_STATES, filters: EVALUATION_FILTERS },
	'csv-wide': { extension: 'csv', states: EVALUATION_STATES, filters: EVALUATION_FILTERS },
	labelstudio: { extension: 'json', states: EVALUATION_STATES, filters: EVALUATION_FILTERS },
	agreement: { extension: 'csv', states: null, filters: SUBMITTED_FILTERS },
	pairs: { extension: 'jsonl', states: null, filters: SUBMITTED_FILTERS },
	escalations: {
		extension: 'jsonl',
		states: ESCALATION_EXPORT_STATES,
		filters: ['from', 'to', 'state', 'guidelineVersionId']
	},
	guidelines: { extension: 'md', states: null, filters: ['from', 'to', 'guidelineVersionId'] },
	gold: { extension: 'jsonl', states: null, filters: [] },
	items: { extension: 'jsonl', states: null, filters: [] }
};

export type ExportFilters = Partial<Record<ExportFilterName, string | number>>;

/** The download address; filters the format does not honour, and empty ones, are left out. */
export function exportUrl(projectId: string, format: ExportFormat, filters: ExportFilters = {}): string {
	const params = new URLSearchParams({ format });
	for (const name of EXPORT_FORMAT_INFO[format].filters) {
		const value = filters[name];
		if (value !== undefined && value !== '') params.set(name, String(value));
	}
	return `/api/projects/${projectId}/export?${params}`;
}
