// `concord agreement FILE.csv`: agreement among raters in a long-format CSV (item,rater,value), printed as text or
// as one JSON object. Exit codes: 0 a value was computed, 1 the coefficient is undefined for this data (the reason
// is printed), 2 usage error or malformed CSV (with its line number).
import { parseArgs } from 'node:util';
import { LEVELS, type Level } from '#shared/rubric';
import {
	agreement,
	interpretation,
	METRICS,
	WEIGHTS,
	type AgreementResult,
	type Metric,
	type Weights
} from '#shared/agreement/index';
import { readRatingsCsv } from './csv-ratings';
import { CsvLineError } from '../domain/csv';

export const AGREEMENT_USAGE = `usage: concord agreement FILE.csv [options]

The CSV has a header with the columns item,rater,value (one rating per row; missing ratings are absent or empty).

  --metric alpha|fleiss|cohen|percent|ac1   coefficient (default alpha)
  --level nominal|ordinal|interval|ratio    measurement level (default nominal; used by alpha)
  --weights none|linear|quadratic           Cohen's kappa weights (default none)
  --raters A,B                              Cohen's kappa: the two raters to compare when there are more
  --ci                                      alpha: add a bootstrap 95% confidence interval
  --samples N                               bootstrap replicates (default 1000)
  --seed N                                  bootstrap seed (default 1)
  --json                                    print one JSON object
  -h, --help                                show this help`;

const NAMES: Record<Metric, string> = {
	alpha: "Krippendorff's alpha",
	cohen: "Cohen's kappa",
	fleiss: "Fleiss' kappa",
	percent: 'Percent agreement',
	ac1: "Gwet's AC1"
};

export class UsageError extends Error {}

function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
	if (value === undefined) return fallback;
	if (!(allowed as readonly string[]).includes(value))
		throw new UsageError(`--${flag} must be one of ${allowed.join(', ')} (got "${value}")`);
	return value as T;
}

function positiveInt(flag: string, value: string | undefined, fallback: number): number {
	if (value === undefined) return fallback;
	const n = Number(value);
	if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${flag} must be a positive integer (got "${value}")`);
	return n;
}

function parse(argv: string[]) {
	const { values, positionals } = parseArgs({
		args: argv,
		allowPositionals: true,
		options: {
			metric: { type: 'string' },
			level: { type: 'string' },
			weights: { type: 'string' },
			raters: { type: 'string' },
			ci: { type: 'boolean' },
			samples: { type: 'string' },
			seed: { type: 'string' },
			json: { type: 'boolean' },
			help: { type: 'boolean', short: 'h' }
		}
	});
	if (values.help) return null;
	if (positionals.length !== 1)
		throw new UsageError(positionals.length ? `expected one FILE, got ${positionals.length}` : 'missing FILE');
	const metric = oneOf('metric', values.metric, METRICS, 'alpha');
	const weights = oneOf<Weights>('weights', values.weights, WEIGHTS, 'none');
	if (weights !== 'none' && metric !== 'cohen') throw new UsageError('--weights applies to --metric cohen only');
	if (values.raters !== undefined && metric !== 'cohen')
		throw new UsageError('--raters applies to --metric cohen only');
	const raters = values.raters?.split(',').map((r) => r.trim());
	if (raters && (raters.length !== 2 || raters.some((r) => !r)))
		throw new UsageError('--raters needs two rater ids separated by a comma');
	if ((values.ci || values.samples || values.seed) && metric !== 'alpha')
		throw new UsageError('--ci, --samples and --seed apply to --metric alpha only');
	const level = values.level === undefined ? undefined : oneOf<Level>('level', values.level, LEVELS, 'nominal');
	const ci =
		values.ci || values.samples || values.seed
			? { samples: positiveInt('samples', values.samples, 1000), seed: positiveInt('seed', values.seed, 1) }
			: undefined;
	return {
		file: positionals[0],
		metric,
		level,
		weights,
		raters: raters as [string, string] | undefined,
		ci,
		json: values.json ?? false
	};
}

function text(result: AgreementResult): string {
	const what = `${NAMES[result.metric]} (${result.weights && result.weights !== 'none' ? `${result.weights} weights` : result.level})`;
	const counts = `items ${result.items}, raters ${result.raters}, ratings ${result.ratings}, items used ${result.itemsUsed}`;
	if (!result.ok) return `${what} is undefined: ${result.reason}\n${counts}\n`;
	const ci = result.ci
		? `  [${Math.round(result.ci.level * 100)}% CI ${result.ci.low.toFixed(4)} – ${result.ci.high.toFixed(4)}]`
		: '';
	const scheme = result.metric === 'alpha' ? 'krippendorff' : 'landis-koch';
	const band = result.metric === 'percent' ? '' : `\ninterpretation: ${interpretation(result.value, scheme).label}`;
	return `${what} = ${result.value.toFixed(4)}${ci}${band}\n${counts}\n`;
}

function json(result: AgreementResult): string {
	const { ok, metric, level, weights, items, raters, ratings, itemsUsed } = result;
	const body = result.ok
		? { value: result.value, metric, level, weights, items, raters, ratings, itemsUsed, ok, ci: result.ci }
		: {
				value: null,
				metric,
				level,
				weights,
				items,
				raters,
				ratings,
				itemsUsed,
				ok,
				code: result.code,
				reason: result.reason
			};
	return JSON.stringify(body) + '\n';
}

/** Runs the subcommand; returns the exit code. */
export async function runAgreement(argv: string[]): Promise<number> {
	let options: ReturnType<typeof parse>;
	try {
		options = parse(argv);
	} catch (err) {
		process.stderr.write(`concord agreement: ${(err as Error).message}\n\n${AGREEMENT_USAGE}\n`);
		return 2;
	}
	if (!options) {
		process.stdout.write(`${AGREEMENT_USAGE}\n`);
		return 0;
	}
	let table;
	try {
		table = await readRatingsCsv(options.file);
	} catch (err) {
		const e = err as NodeJS.ErrnoException;
		const message =
			err instanceof CsvLineError
				? `${options.file}: ${e.message}`
				: e.code
					? `cannot read ${options.file}: ${e.message}`
					: null;
		if (!message) throw err;
		process.stderr.write(`concord agreement: ${message}\n`);
		return 2;
	}
	const result = agreement(table, {
		metric: options.metric,
		level: options.level,
		weights: options.weights,
		raters: options.raters,
		ci: options.ci
	});
	process.stdout.write(options.json ? json(result) : text(result));
	return result.ok ? 0 : 1;
}
