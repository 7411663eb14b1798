// Display helpers for the agreement dashboard: the filters as URL/query parameters, coefficient and band
// formatting, explanations of undefined figures, bucket labels, and links to the CSV of every table.
import { formatDate, formatNumber, t } from '$lib/i18n/index.svelte';
import { interpretation, type Band } from '$lib/shared/agreement/index';
import type { Bucket, DimensionAgreementView, Figure } from '$lib/shared/agreement-report';
import type { RubricDimension } from '$lib/shared/rubric';

export interface DashboardFilters {
	from: string;
	to: string;
	modality: string;
	language: string;
	dimension: string;
}

export const FILTER_KEYS = ['from', 'to', 'modality', 'language', 'dimension'] as const;

export function readFilters(params: URLSearchParams): DashboardFilters {
	return {
		from: params.get('from') ?? '',
		to: params.get('to') ?? '',
		modality: params.get('modality') ?? '',
		language: params.get('language') ?? '',
		dimension: params.get('dimension') ?? ''
	};
}

export function hasFilters(f: DashboardFilters): boolean {
	return FILTER_KEYS.some((k) => f[k] !== '');
}

/** Query parameters for the API (empty filters left out). */
export function apiQuery(
	f: DashboardFilters,
	extra: Record<string, string | number | undefined> = {}
): Record<string, string> {
	const q: Record<string, string> = {};
	for (const k of FILTER_KEYS) if (f[k]) q[k] = f[k];
	for (const [k, v] of Object.entries(extra)) if (v !== undefined && v !== '') q[k] = String(v);
	return q;
}

/** The CSV download of an endpoint with the same filters. */
export function csvHref(
	pid: string,
	path: string,
	f: DashboardFilters,
	extra: Record<string, string | number | undefined> = {}
): string {
	return `/api/projects/${pid}${path}?${new URLSearchParams(apiQuery(f, { ...extra, format: 'csv' }))}`;
}

export const BAND_TONE: Record<Band, 'ok' | 'warn' | 'bad'> = {
	reliable: 'ok',
	tentative: 'warn',
	unreliable: 'bad',
	'almost-perfect': 'ok',
	substantial: 'ok',
	moderate: 'warn',
	fair: 'bad',
	slight: 'bad',
	poor: 'bad'
};

export const toneColor = (tone: 'ok' | 'warn' | 'bad') => `--${tone}`;

/** Band of a kappa-type value (Landis & Koch). */
export const kappaBand = (value: number): Band => interpretation(value, 'landis-koch').band;
export function coef(value: number | null | undefined, digits = 2): string {
	return value === null || value === undefined ? '—' : formatNumber(value, digits);
}

export function pct(value: number | null | undefined): string {
	return value === null || value === undefined ? '—' : `${formatNumber(value * 100, 0)}%`;
}

export function signed(value: number | null | undefined, digits = 2): string {
	if (value === null || value === undefined) return '—';
	const s = formatNumber(Math.abs(value), digits);
	return value > 0.005 ? `+${s}` : value < -0.005 ? `−${s}` : s;
}

/** Why a figure is undefined, in the reader's language (the engine's English reason is the fallback). */
export function whyUndefined(f: Figure): string {
	if (!f.code) return f.reason ?? '';
	const key = `agr.undefined.${f.code}`;
	const text = t(key);
	return text === key ? (f.reason ?? '') : text;
}

export function bucketLabel(start: number, bucket: Bucket): string {
	const day = formatDate(start, { month: 'short', day: 'numeric', timeZone: 'UTC' });
	return bucket === 'week' ? t('agr.timeline.weekOf', { date: day }) : day;
}

/** How a rating value reads: the option's label for categories and yes/no, the number for scales. */
export function valueLabel(dim: RubricDimension | undefined, value: string | number): string {
	if (!dim || dim.scale === 'likert') return String(value);
	const option = dim.options?.find((o) => String(o.value) === String(value));
	if (option) return option.label;
	if (dim.scale === 'binary') return value === 1 || value === '1' ? t('common.yes') : t('common.no');
	return String(value);
}

/** Server figures with each dimension's name as the reader sees it (`names` from dimensionNames). */
export function withNames<T extends { key: string; label: string }>(
	list: readonly T[],
	names: Map<string, string>
): T[] {
	return list.map((d) => ({ ...d, label: names.get(d.key) ?? d.label }));
}

/** The input value (YYYY-MM-DD) of a date `days` before today, UTC. */
export function daysAgo(days: number): string {
	return new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Dimensions with a value, least consistent first. Dimensions with five or more overlapping items come first so
 * that one odd item on a rarely used dimension does not headline the dashboard.
 */
export function leastConsistent(dimensions: readonly DimensionAgreementView[]): DimensionAgreementView[] {
	const byValue = (a: DimensionAgreementView, b: DimensionAgreementView) => a.agreement.value! - b.agreement.value!;
	const defined = dimensions.filter((d) => d.agreement.value !== null && d.itemsUsed >= 2);
	return [
		...defined.filter((d) => d.itemsUsed >= 5).sort(byValue),
		...defined.filter((d) => d.itemsUsed < 5).sort(byValue)
	];
}
