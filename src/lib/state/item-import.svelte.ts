// One item import as seen by the import page: the chosen file and format, upload progress, then the server's
// answer (counts) or its per-line problems. Nothing is imported when there is any problem.
import { UploadJob } from './upload-job.svelte';
import { IMPORT_FORMATS, type ImportFormat, type ImportResult, type LineProblem } from '$lib/shared/imports';

export { IMPORT_FORMATS, type ImportFormat, type LineProblem };

const CONTENT_TYPES: Record<ImportFormat, string> = {
	jsonl: 'application/x-ndjson',
	csv: 'text/csv',
	labelstudio: 'application/json',
	zip: 'application/zip'
};

/** The format a file name suggests, or null when it is not clear. */
export function guessFormat(name: string): ImportFormat | null {
	const ext = name.toLowerCase().split('.').pop() ?? '';
	if (ext === 'jsonl' || ext === 'ndjson') return 'jsonl';
	if (ext === 'csv') return 'csv';
	if (ext === 'json') return 'labelstudio';
	if (ext === 'zip') return 'zip';
	return null;
}

export class ImportJob extends UploadJob<ImportResult> {
	start(projectId: string, file: File, format: ImportFormat): Promise<void> {
		return this.send(`/api/projects/${projectId}/items/import?format=${format}`, file, CONTENT_TYPES[format]);
	}
}
