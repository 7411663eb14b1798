// Small display helpers for escalations: compact ages ("40m", "5h", "3d") and score values in words.
import type { ScoreValue } from '$lib/shared/evaluation';
import type { RubricDimension } from '$lib/shared/rubric';
import { valueLabel } from '$lib/components/rubric/rubric-form';

export function formatAge(ms: number): string {
	const minutes = Math.max(0, Math.round(ms / 60_000));
	if (minutes < 60) return `${minutes}m`;
	const hours = Math.round(minutes / 60);
	if (hours < 48) return `${hours}h`;
	return `${Math.round(hours / 24)}d`;
}

/** A score as a reader sees it; dimensions the rubric no longer has show the raw value. */
export function formatScore(
	dim: RubricDimension | undefined,
	value: ScoreValue | undefined,
	yes: string,
	no: string
): string {
	return dim ? valueLabel(dim, value, yes, no) : value === undefined || value === null ? '—' : String(value);
}
