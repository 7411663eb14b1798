// Reading a coefficient: verbal bands (Landis & Koch 1977 for kappa-type values; Krippendorff's 0.667 / 0.8 rule
// for alpha) and the default coefficient for a rubric dimension's measurement level.
import type { Level, Metric, Weights } from './types';

export type InterpretationScheme = 'krippendorff' | 'landis-koch';

export type Band =
	'unreliable' | 'tentative' | 'reliable' | 'poor' | 'slight' | 'fair' | 'moderate' | 'substantial' | 'almost-perfect';

export interface Interpretation {
	scheme: InterpretationScheme;
	band: Band;
	/** English label (the UI translates `band`). */
	label: string;
}

const KRIPPENDORFF: [number, Band, string][] = [
	[0.8, 'reliable', 'reliable (α ≥ 0.8)'],
	[0.667, 'tentative', 'tentative conclusions only (0.667 ≤ α < 0.8)'],
	[-Infinity, 'unreliable', 'unreliable (α < 0.667)']
];

/** Upper bounds (inclusive) of Landis & Koch's bands; below 0 is poor. */
const LANDIS_KOCH: [number, Band, string][] = [
	[0.2, 'slight', 'slight'],
	[0.4, 'fair', 'fair'],
	[0.6, 'moderate', 'moderate'],
	[0.8, 'substantial', 'substantial'],
	[Infinity, 'almost-perfect', 'almost perfect']
];

/** The band a value falls in: Krippendorff [0.8, 1], [0.667, 0.8), below; Landis & Koch < 0, [0, 0.2], (0.2, 0.4], …. */
export function interpretation(value: number, scheme: InterpretationScheme = 'krippendorff'): Interpretation {
	if (Number.isNaN(value)) throw new RangeError('interpretation needs a number; check result.ok first');
	if (scheme === 'krippendorff') {
		const [, band, label] = KRIPPENDORFF.find(([min]) => value >= min)!;
		return { scheme, band, label };
	}
	if (value < 0) return { scheme, band: 'poor', label: 'poor' };
	const [, band, label] = LANDIS_KOCH.find(([max]) => value <= max)!;
	return { scheme, band, label };
}

export interface MetricChoice {
	metric: Metric;
	level: Level;
	/** Weights to use if a kappa is wanted instead (two raters, complete data). */
	weights: Weights;
}

const WEIGHTS_FOR: Record<Level, Weights> = {
	nominal: 'none',
	ordinal: 'linear',
	interval: 'quadratic',
	ratio: 'quadratic'
};

/** Krippendorff's alpha at the dimension's level: it handles any number of raters, missing ratings and all levels. */
export function levelToMetric(level: Level): MetricChoice {
	return { metric: 'alpha', level, weights: WEIGHTS_FOR[level] };
}
