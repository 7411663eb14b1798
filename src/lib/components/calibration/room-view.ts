// Pure helpers behind the calibration room's views: which score cells conflict, the distribution of values per
// dimension, the most common value as a consensus draft, comments and live highlights per item, and who is
// leading the room. No DOM, no Svelte.
import type { Rubric, RubricDimension } from '$lib/shared/rubric';
import type { Scores, ScoreValue } from '$lib/shared/evaluation';
import type { CalibrationAnchor, CalibrationScore, DimensionFigure, LiveHighlight } from '$lib/shared/calibration';
import type { Comment } from '$lib/collab/room-doc';
import type { Peer } from '$lib/collab/presence';
import { choicesFor, isEmpty, sameValue, valueLabel } from '$lib/components/rubric/rubric-form';

export type CellConflict = 'none' | 'minor' | 'major';

const key = (v: ScoreValue | undefined) => JSON.stringify(v === 1 ? true : v === 0 ? false : v);

function position(dim: RubricDimension, v: ScoreValue): number | null {
	if (typeof v === 'number') return v;
	if (typeof v === 'boolean') return v ? 1 : 0;
	const at = (dim.options ?? []).findIndex((o) => o.value === v);
	return at >= 0 ? at : null;
}

/**
 * How far each participant's value sits from the rest. When everyone agrees nothing is marked; otherwise a value
 * outside the strict majority is a conflict (every value, when there is no majority), and on ordered scales a
 * value two or more steps from the median is a major one.
 */
export function cellConflicts(dim: RubricDimension, values: (ScoreValue | undefined)[]): CellConflict[] {
	if (dim.scale === 'text') return values.map(() => 'none');
	const given = values.filter((v) => !isEmpty(v)) as ScoreValue[];
	const counts = new Map<string, number>();
	for (const v of given) counts.set(key(v), (counts.get(key(v)) ?? 0) + 1);
	if (counts.size <= 1) return values.map(() => 'none');
	const [modeKey, modeCount] = [...counts].reduce((a, b) => (b[1] > a[1] ? b : a));
	const majority = modeCount * 2 > given.length ? modeKey : null;
	const ordered = dim.level !== 'nominal';
	const nums = ordered
		? given
				.map((v) => position(dim, v))
				.filter((n): n is number => n !== null)
				.sort((a, b) => a - b)
		: [];
	const median = nums.length ? (nums[(nums.length - 1) >> 1] + nums[nums.length >> 1]) / 2 : null;
	return values.map((v) => {
		if (isEmpty(v)) return 'none';
		const p = ordered ? position(dim, v as ScoreValue) : null;
		if (p !== null && median !== null && Math.abs(p - median) >= 2) return 'major';
		if (majority !== null && key(v) === majority) return 'none';
		return 'minor';
	});
}

export interface Bar {
	label: string;
	count: number;
}

/** How many participants gave each value of a dimension (every choice of the scale, also those nobody gave). */
export function distribution(dim: RubricDimension, values: (ScoreValue | undefined)[], yes: string, no: string): Bar[] {
	const given = values.filter((v) => !isEmpty(v)) as ScoreValue[];
	if (dim.scale === 'text') return [];
	const choices = choicesFor(dim, yes, no);
	const bars = choices.map((c) => ({
		label: dim.scale === 'likert' ? String(c.value) : c.label,
		count: given.filter((v) => sameValue(dim, v, c.value)).length
	}));
	const unknown = given.filter((v) => !choices.some((c) => sameValue(dim, v, c.value)));
	for (const v of unknown) bars.push({ label: valueLabel(dim, v, yes, no), count: 1 });
	return bars;
}

const anchorOf = (c: Comment) => c.anchor as CalibrationAnchor | null;

export function commentsForItem(discussion: Comment[], itemId: string): Comment[] {
	return discussion.filter((c) => anchorOf(c)?.itemId === itemId);
}

/** Comments (with their replies) per item id. */
export function commentCountByItem(discussion: Comment[]): Record<string, number> {
	const out: Record<string, number> = {};
	for (const c of discussion) {
		const itemId = anchorOf(c)?.itemId;
		if (itemId) out[itemId] = (out[itemId] ?? 0) + 1 + c.replies.length;
	}
	return out;
}

/** Comment threads per score cell of one item and round: `${userId}:${dimension}` → count. */
export function cellCommentCounts(discussion: Comment[], itemId: string, round: number): Record<string, number> {
	const out: Record<string, number> = {};
	for (const c of discussion) {
		const a = anchorOf(c);
		if (a?.kind === 'score' && a.itemId === itemId && a.round === round)
			out[`${a.userId}:${a.dimension}`] = (out[`${a.userId}:${a.dimension}`] ?? 0) + 1;
	}
	return out;
}

function isHighlight(v: unknown): v is LiveHighlight {
	if (typeof v !== 'object' || v === null) return false;
	const h = v as Record<string, unknown>;
	return (
		typeof h.id === 'string' &&
		typeof h.itemId === 'string' &&
		typeof h.userId === 'string' &&
		typeof h.span === 'object' &&
		h.span !== null
	);
}

export function liveHighlights(annotations: Record<string, unknown>, itemId: string): LiveHighlight[] {
	return Object.entries(annotations)
		.filter(([k, v]) => k.startsWith('span:') && isHighlight(v) && v.itemId === itemId)
		.map(([, v]) => v as LiveHighlight)
		.sort((a, b) => a.createdAt - b.createdAt);
}

/** Presence focus published by a person in the room: the item they look at, and whether they lead the room. */
export interface SessionFocus {
	itemId?: string;
	leading?: boolean;
}

/** A peer's presence focus read as the room publishes it (see SessionFocus). */
export function focusOf(peer: Peer | null | undefined): SessionFocus | undefined {
	return peer?.focus;
}

/** The peer leading the room ("follow the lead"), if one of the deciders is leading. */
export function leader(peers: Peer[], deciderIds: ReadonlySet<string>): Peer | null {
	return peers.find((p) => !p.self && deciderIds.has(p.user.id) && focusOf(p)?.leading) ?? null;
}

/** Peers per item id they are looking at. */
export function peersByItem(peers: Peer[]): Record<string, Peer[]> {
	const out: Record<string, Peer[]> = {};
	for (const p of peers) {
		const itemId = focusOf(p)?.itemId;
		if (itemId) (out[itemId] ??= []).push(p);
	}
	return out;
}

/** Mean of the figures that have a value (an item's or a round's overall agreement). */
export function meanOf(figures: readonly DimensionFigure[]): number | null {
	const values = figures.map((f) => f.value).filter((v): v is number => v !== null);
	return values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
}

export const percent = (v: number | null | undefined) =>
	v === null || v === undefined ? '—' : `${Math.round(v * 100)}%`;

/** A level for an agreement figure: good, so-so, poor (for badges and cell colours). */
export function agreementLevel(v: number | null | undefined, threshold: number): 'ok' | 'warn' | 'bad' | 'none' {
	if (v === null || v === undefined) return 'none';
	if (v >= Math.max(0.8, threshold)) return 'ok';
	return v >= threshold ? 'warn' : 'bad';
}

export function formatClock(ms: number): string {
	const s = Math.max(0, Math.floor(ms / 1000));
	const h = Math.floor(s / 3600);
	const m = Math.floor((s % 3600) / 60);
	const pad = (n: number) => String(n).padStart(2, '0');
	return h ? `${h}:${pad(m)}:${pad(s % 60)}` : `${pad(m)}:${pad(s % 60)}`;
}

/** The value most sheets gave on each dimension (free text left out): where a consensus draft starts. */
export function mostCommon(rubric: Rubric, sheets: readonly CalibrationScore[]): Scores {
	const out: Scores = {};
	for (const d of rubric.dimensions) {
		const counts = new Map<string, { v: Scores[string]; n: number }>();
		for (const s of sheets) {
			const v = s.scores[d.key];
			if (v === undefined || v === null || v === '' || d.scale === 'text') continue;
			const k = JSON.stringify(v);
			counts.set(k, { v, n: (counts.get(k)?.n ?? 0) + 1 });
		}
		const best = [...counts.values()].sort((a, b) => b.n - a.n)[0];
		if (best) out[d.key] = best.v;
	}
	return out;
}
