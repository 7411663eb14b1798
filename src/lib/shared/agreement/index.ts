// Public API of the agreement engine: pure TypeScript, no I/O, usable in the browser and on the server.
// Every coefficient accepts long rows ({ item, rater, value }) or a columnar RatingTable of typed arrays, allows
// missing ratings, and returns { ok: true, value } or { ok: false, code, reason } — never NaN, never a throw.
export type {
	AgreementOptions,
	AgreementResult,
	Level,
	Metric,
	Rating,
	RatingInput,
	RatingTable,
	UndefinedCode,
	Weights
} from './types';
export { METRICS, WEIGHTS } from './types';
export { asTable, toTable, sortLabels } from './table';
export { krippendorffAlpha } from './alpha';
export { cohenKappa } from './cohen';
export { fleissKappa, gwetAC1, percentAgreement } from './multi-rater';
export { agreement, agreementByDimension, type DimensionRating, type DimensionSpec } from './agreement';
export { itemDisagreement, itemDisagreementScores } from './items';
export { raterAgreement, type GoldValue } from './raters';
export { mulberry32 } from './bootstrap';
export { interpretation, levelToMetric, type Band, type InterpretationScheme } from './interpret';
