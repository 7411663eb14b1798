// How a judge's figures read on the dashboard: the verdict in the reader's language (the rule deciding it lives in
// $lib/shared/judge-agreement, beside the thresholds), its badge tone, and which references a figure used.
import { t } from '$lib/i18n/index.svelte';
import { JUDGE_MIN_ITEMS, REFERENCE_KINDS, type JudgeVerdict, type PairAgreement } from '$lib/shared/judge-agreement';
import { coef, whyUndefined } from '$lib/components/agreement/format';

export const VERDICT_TONE: Record<JudgeVerdict, 'ok' | 'warn' | 'bad' | 'none'> = {
	trust: 'ok',
	'spot-check': 'warn',
	'do-not-rely': 'bad',
	'too-few': 'none',
	undefined: 'none'
};

export function verdictText(p: PairAgreement, dimension: string): string {
	return t(`ja.verdict.${p.verdict}`, {
		dimension,
		alpha: coef(p.alpha.value),
		count: p.n,
		min: JUDGE_MIN_ITEMS,
		reason: whyUndefined(p.alpha)
	});
}

export function referencesUsed(uses: PairAgreement & { uses: Partial<Record<string, number>> }): string {
	const list = REFERENCE_KINDS.filter((k) => uses.uses[k]).map((k) => t(`ja.uses.${k}`, { count: uses.uses[k]! }));
	return list.length ? t('ja.uses.label', { list: list.join(', ') }) : '';
}
