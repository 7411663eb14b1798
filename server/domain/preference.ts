// Training-ready preference pairs from pairwise items. Pure. The preference comes from the item's gold answer,
// else the latest verdict, else the strict plurality of submitted evaluations (a tie vote, an equal split, or a
// preference we cannot read skips the item). Multi-response items give one pair per rejected response.
import type { RubricDefinition, RubricDimension } from '#shared/rubric';

export const TIE = 'tie';

/** The rubric dimension holding the pairwise preference: the first `pairwise`-scale dimension for that modality. */
export function preferenceDimension(rubric: RubricDefinition): RubricDimension | undefined {
	return rubric.dimensions.find((d) => d.scale === 'pairwise' && (!d.modalities || d.modalities.includes('pairwise')));
}

const TIE_WORDS = new Set(['tie', 'equal', 'same', 'both', 'neither', 'none', '=']);

/**
 * Reads a preference value as a response id or a tie: an exact id (any case), an id followed by a strength
 * marker (`A+`, `A_slight`, `B-much`), `tie`-like words, or for two responses a signed number (negative: the
 * first, positive: the second, zero: tie). Anything else is null (not a usable vote).
 */
export function readPreference(value: unknown, responseIds: readonly string[]): string | null {
	if (typeof value === 'number' && responseIds.length === 2)
		return value < 0 ? responseIds[0] : value > 0 ? responseIds[1] : TIE;
	if (typeof value !== 'string') return null;
	const v = value.trim().toLowerCase();
	if (TIE_WORDS.has(v)) return TIE;
	const exact = responseIds.find((id) => id.toLowerCase() === v);
	if (exact) return exact;
	const prefix = /^([a-z0-9]+)[\s_:+\-!>]/.exec(v)?.[1];
	return (prefix && responseIds.find((id) => id.toLowerCase() === prefix)) || null;
}

export interface Decision {
	winner: string | null;
	votes: Record<string, number>;
}

/** The strict plurality among votes (a response id or `tie`); null when tie wins, or the top is shared. */
export function majority(votes: readonly string[]): Decision {
	const counts: Record<string, number> = {};
	for (const v of votes) counts[v] = (counts[v] ?? 0) + 1;
	const ranked = Object.entries(counts).sort((a, b) => b[1] - a[1]);
	const top = ranked[0];
	const shared = ranked.length > 1 && ranked[1][1] === top?.[1];
	return { winner: top && !shared && top[0] !== TIE ? top[0] : null, votes: counts };
}

export interface PairwisePayload {
	prompt: string;
	responses: { id: string; text: string }[];
}

export interface PreferencePair {
	prompt: string;
	chosen: string;
	rejected: string;
	chosenId: string;
	rejectedId: string;
}

export function pairsFor(payload: PairwisePayload, winner: string): PreferencePair[] {
	const chosen = payload.responses.find((r) => r.id === winner);
	if (!chosen) return [];
	return payload.responses
		.filter((r) => r.id !== winner)
		.map((r) => ({
			prompt: payload.prompt,
			chosen: chosen.text,
			rejected: r.text,
			chosenId: chosen.id,
			rejectedId: r.id
		}));
}
