// What every export format gets: the project, its rubrics, the filters, and a private snapshot connection
// (released by the response stream when the download ends, fails or is abandoned).
import type Database from 'better-sqlite3';
import type { RubricDefinition } from '#shared/rubric';
import { projectName, projectRubrics, type ExportFilters } from '../db/export-queries';
import { closeSnapshot, openSnapshot, type Snapshot } from './snapshot';

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
	release: () => void;
}

export function openExport(main: Database.Database, projectId: string, filters: ExportFilters): ExportContext {
	const snap = openSnapshot(main);
	try {
		const rubrics = projectRubrics(snap, projectId).map((r) => ({
			id: r.id,
			name: r.name,
			version: r.version,
			definition: JSON.parse(r.definition) as RubricDefinition
		}));
		return {
			snap,
			projectId,
			projectName: projectName(snap, projectId) ?? projectId,
			filters,
			rubrics,
			rubricById: new Map(rubrics.map((r) => [r.id, r])),
			release: () => closeSnapshot(snap)
		};
	} catch (err) {
		closeSnapshot(snap);
		throw err;
	}
}

export const iso = (ms: number | null | undefined): string | null =>
	ms === null || ms === undefined ? null : new Date(ms).toISOString();

export function json<T>(text: string | null): T | null {
	return text === null ? null : (JSON.parse(text) as T);
}

export const line = (value: unknown): string => JSON.stringify(value) + '\n';
