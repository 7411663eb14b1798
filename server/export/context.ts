// What every export format gets: the project, its rubrics, the filters, and a private read snapshot (released by
// the response stream when the download ends, fails or is abandoned).
import type { OpenedDb } from '../db/client';
import type { RubricDefinition } from '#shared/rubric';
import { projectName, projectRubrics, type ExportFilters } from '../db/export-queries';
import { openSnapshot, type Snapshot } from './snapshot';

interface ExportRubric {
	id: string;
	name: string;
	version: number;
	definition: RubricDefinition;
}

export interface ExportContext {
	snap: Snapshot;
	projectId: string;
	projectName: string;
	filters: ExportFilters;
	/** Every rubric version of the project, oldest first. */
	rubrics: ExportRubric[];
	rubricById: Map<string, ExportRubric>;
	/** Ends the snapshot and gives its connection back. */
	release: () => Promise<void>;
}

export async function openExport(
	database: OpenedDb,
	projectId: string,
	filters: ExportFilters
): Promise<ExportContext> {
	const snap = await openSnapshot(database);
	try {
		const rubrics = (await projectRubrics(snap, projectId)).map((r) => ({
			id: r.id,
			name: r.name,
			version: r.version,
			definition: JSON.parse(r.definition) as RubricDefinition
		}));
		return {
			snap,
			projectId,
			projectName: (await projectName(snap, projectId)) ?? projectId,
			filters,
			rubrics,
			rubricById: new Map(rubrics.map((r) => [r.id, r])),
			release: () => snap.close()
		};
	} catch (err) {
		await snap.close();
		throw err;
	}
}

export const iso = (ms: number | null | undefined): string | null =>
	ms === null || ms === undefined ? null : new Date(ms).toISOString();

export function json<T>(text: string | null): T | null {
	return text === null ? null : (JSON.parse(text) as T);
}

export const line = (value: unknown): string => JSON.stringify(value) + '\n';
