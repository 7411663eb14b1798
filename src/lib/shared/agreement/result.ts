// Builders for AgreementResult so every metric reports the same counts and refuses the same way.
import type { AgreementResult, Level, Metric, UndefinedCode, Weights } from './types';
import type { Refusal, Units } from './units';

export interface Context {
	metric: Metric;
	level: Level;
	weights?: Weights;
}

function counts(units: Units | null, itemsUsed: number) {
	return { items: units?.items ?? 0, raters: units?.ratersRated ?? 0, ratings: units?.ratings ?? 0, itemsUsed };
}

export function refuse(
	ctx: Context,
	units: Units | null,
	code: UndefinedCode,
	reason: string,
	itemsUsed = 0
): AgreementResult {
	return { ok: false, code, reason, ...ctx, ...counts(units, itemsUsed) };
}

export function refuseWith(ctx: Context, units: Units | null, refusal: Refusal): AgreementResult {
	return refuse(ctx, units, refusal.code, refusal.reason);
}

export function accept(ctx: Context, units: Units, value: number, itemsUsed: number): AgreementResult {
	return { ok: true, value, ...ctx, ...counts(units, itemsUsed) };
}

/** The refusals every metric shares: no ratings at all, or a single rater. */
export function commonRefusal(units: Units): Refusal | null {
	if (units.ratings === 0) return { code: 'no-ratings', reason: 'there are no ratings' };
	if (units.ratersRated < 2)
		return { code: 'one-rater', reason: 'agreement needs at least two raters; the data has one' };
	return null;
}

export const NO_PAIRS: Refusal = {
	code: 'no-pairable-values',
	reason: 'no item was rated by two or more raters, so no values can be paired'
};
