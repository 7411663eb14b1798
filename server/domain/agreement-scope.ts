// The agreement dashboard's filters as one rule, obeyed by every figure it shows: the people's (their submitted
// evaluations: agreement-columns.ts, selectScope) and the judges' ("Humans and judges": judge-agreement.ts,
// judgeScoresInScope). A rating counts when it was made in the period [from, to) (an evaluation when it was
// submitted, a judge's score when it was made) on an item of the modality and language asked. Pure.

export interface ScopeFilter {
	from?: number | null;
	to?: number | null;
	modality?: string | null;
	language?: string | null;
}

export interface ScopeRule {
	/** The rating was made in the period. */
	madeIn(at: number): boolean;
	/** The item is of the modality and language asked. */
	about(modality: string, language: string): boolean;
}

export function scopeRule(f: ScopeFilter): ScopeRule {
	const from = f.from ?? -Infinity;
	const to = f.to ?? Infinity;
	const modality = f.modality || null;
	const language = f.language || null;
	return {
		madeIn: (at) => at >= from && at < to,
		about: (m, l) => (modality === null || m === modality) && (language === null || l === language)
	};
}
