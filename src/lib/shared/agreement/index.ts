// Public API of the agreement engine: pure TypeScript, no I/O, usable in the browser and on the server.
// Every coefficient accepts long rows ({ item, rater, value }) or a columnar RatingTable of typed arrays, allows
// missing ratings, and returns { ok: true, value } or { ok: false, code, reason } — never NaN, never a throw.
export type {
	AgreementOptions,
	AgreementResult,
	AgreementUndefined,
	AgreementValue,
	BootstrapOptions,
	ConfidenceInterval,
	Level,
	Metric,
	Rating,
	RatingInput,
	RatingTable,
	UndefinedCode,
	Weights
} from './types';
export { METRICS, WEIGHTS } from './types';
export { toTable, asTable, sortLabels, type TableOptions } from './table';
export { krippendorffAlpha, type AlphaOptions } from './alpha';
export { cohenKappa, type CohenOptions } from './cohen';
export { fleissKappa, gwetAC1, percentAgreement } from './multi-rater';
export {
	agreement,
	agreementByDimension,
	type DimensionRating,
	type DimensionSpec,
	type DimensionAgreement
} from './agreement';
export { itemDisagreement, type ItemDisagreement, type ItemDisagreementResult } from './items';
export {
	raterAgreement,
	type RaterAgreement,
	type RaterAgreementResult,
	type GoldAgreement,
	type GoldValue,
	type RaterOptions
} from './raters';
export { mulberry32 } from './bootstrap';
export {
	interpretation,
	levelToMetric,
	type Band,
	type Interpretation,
	type InterpretationScheme,
	type MetricChoice
} from './interpret';
