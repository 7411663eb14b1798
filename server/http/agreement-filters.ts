// The agreement dashboard's filters (period, modality, language, dimension), read once for every endpoint that
// takes them: the people's figures (routes/agreement.ts) and "Humans and judges" (routes/judge-agreement.ts). The
// rule they apply lives in domain/agreement-scope.ts; here they are parsed, checked (an empty period is a 400) and
// turned into the people's evaluations in scope, computed once per figures snapshot.
import { Validation } from '../domain/errors';
import { selectScope, type Scope } from '../domain/agreement-columns';
import { memoised, type FiguresSnapshot } from '../db/agreement-figures';
import { dateParamToMs, type AgreementFilters } from '#shared/agreement-report';

export interface FilterQuery {
	from?: string;
	to?: string;
	modality?: string;
	language?: string;
	dimension?: string;
}

/** The filters of a validated query; refuses a period that ends before it starts. */
export function agreementFilters(q: FilterQuery): AgreementFilters {
	const from = q.from === undefined ? null : dateParamToMs(q.from, false);
	const to = q.to === undefined ? null : dateParamToMs(q.to, true);
	if (from !== null && to !== null && from >= to)
		throw Validation('The date range is empty', [{ path: 'to', message: 'must be after from' }]);
	return { from, to, modality: q.modality ?? null, language: q.language ?? null, dimension: q.dimension ?? null };
}

/** The snapshot's evaluations the filters keep (the dimension aside), once per snapshot and filters. */
export function evaluationsInScope(snapshot: FiguresSnapshot, f: AgreementFilters): Scope {
	const key = JSON.stringify([f.from, f.to, f.modality, f.language]);
	return memoised(snapshot, `scope ${key}`, () => selectScope(snapshot.columns, f), 'heavy');
}
