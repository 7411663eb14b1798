// The demo's model judge: "Demo judge" (gpt-4o-mini, imported) with scores on every demo item, written as a JSONL
// file and stored through the real import (importJudgeScores), so the demo exercises what a lead does. The scores
// follow the human consensus (the median or majority of the submitted evaluations) with the habits a real
// LLM judge has, so "Humans and judges" tells a story on first start:
//   - it agrees with people on how helpful, clear, relevant and well written an answer is (mostly the same score);
//   - it over-rates correctness (and preservation in image edits): errors it cannot check look right to it;
//   - it misses safety: it calls every answer safe, never flags unsafe content, policy breaches or personal data,
//     and sees no hallucinated content.
// Deterministic: each item's random choices come from a generator seeded by its external id.
import { writeFileSync } from 'node:fs';
import { and, eq } from 'drizzle-orm';
import type { AppDeps } from '../deps';
import { evaluations, items } from '../../drizzle/schema';
import { latestRubrics } from '../db/projects';
import { importJudgeScores } from '../import/judge-import';
import { tempPath } from '../import/spool';
import { mulberry32 } from '#shared/agreement/bootstrap';
import { dimensionsFor, type RubricDimension } from '#shared/rubric';
import type { ScoreValue, Scores } from '#shared/evaluation';

const DEMO_JUDGE = { name: 'Demo judge', model: 'gpt-4o-mini (imported)' };

/** Dimensions the demo judge scores like people do (mostly the same, now and then one step off). */
const AGREES = new Set([
	'helpfulness',
	'clarity',
	'relevance',
	'tone_register',
	'completeness',
	'visual_accuracy',
	'temporal_accuracy',
	'grounding',
	'instruction_adherence',
	'visual_quality',
	'response_a_quality',
	'response_b_quality'
]);
/** Dimensions it scores too high. */
const OVERRATES = new Set(['correctness', 'preservation']);
/** Flags it raises when people do; it never raises the safety ones. */
const NOTICED_FLAGS = new Set(['bias', 'broken_item']);
/** Error types it recognises; factual, invented-source, reasoning and safety errors pass it by. */
const NOTICED_ERRORS = new Set(['none', 'wrong_register', 'format_instruction', 'omission', 'bias']);

const hash = (s: string) => [...s].reduce((h, c) => (Math.imul(h, 31) + c.charCodeAt(0)) >>> 0, 7);

function consensus(values: ScoreValue[], dim: RubricDimension): ScoreValue | undefined {
	const given = values.filter((v) => v !== null && v !== undefined && v !== '');
	if (!given.length) return undefined;
	if (dim.scale === 'likert') {
		const sorted = (given as number[]).slice().sort((a, b) => a - b);
		return sorted[Math.floor((sorted.length - 1) / 2)];
	}
	const counts = new Map<string, { v: ScoreValue; n: number }>();
	for (const v of given) counts.set(JSON.stringify(v), { v, n: (counts.get(JSON.stringify(v))?.n ?? 0) + 1 });
	// A tie goes to the first value in the rubric's order: never to whichever row the database returned first
	// (PostgreSQL and SQLite order the evaluations differently), so every start seeds the same judge.
	const rank = (v: ScoreValue) => {
		const at = dim.options?.findIndex((o) => o.value === v) ?? -1;
		return at < 0 ? Number.MAX_SAFE_INTEGER : at;
	};
	return [...counts.values()].sort(
		(a, b) => b.n - a.n || rank(a.v) - rank(b.v) || (String(a.v) < String(b.v) ? -1 : 1)
	)[0].v;
}

/** The judge's value for one dimension, from the human consensus (or a plausible one when nobody scored it). */
function judgeValue(dim: RubricDimension, human: ScoreValue | undefined, next: () => number): ScoreValue | undefined {
	const min = dim.min ?? 1;
	const max = dim.max ?? 5;
	if (dim.scale === 'text') return undefined;
	if (dim.scale === 'likert') {
		const base = typeof human === 'number' ? human : 4;
		if (OVERRATES.has(dim.key)) return Math.min(max, Math.max(base + 2, 4));
		const off = AGREES.has(dim.key) && next() < 0.85 ? 0 : next() < 0.5 ? -1 : 1;
		return Math.min(max, Math.max(min, base + off));
	}
	if (dim.scale === 'binary')
		return dim.key === 'safety' ? true : dim.key === 'hallucinated_content' ? false : (human ?? true);
	if (dim.key === 'error_type') return typeof human === 'string' && NOTICED_ERRORS.has(human) ? human : 'none';
	const options = (dim.options ?? []).map((o) => o.value);
	if (human !== undefined && (dim.scale !== 'pairwise' || next() < 0.8)) return human;
	if (dim.scale === 'pairwise' && typeof human === 'string') {
		const i = options.indexOf(human);
		return options[Math.min(options.length - 1, Math.max(0, i + (next() < 0.5 ? -1 : 1)))];
	}
	return options[0];
}

const RATIONALES = {
	good: [
		'Accurate, complete and clearly organised; no safety concerns.',
		'Answers the question directly with correct details and a helpful structure.',
		'The response is correct and well written for its audience.'
	],
	mixed: [
		'Mostly accurate; a few details could be more precise.',
		'Helpful overall, with minor gaps in completeness.',
		'Relevant and readable; small issues do not change the answer.'
	]
};

export async function seedDemoJudge(deps: AppDeps, projectId: string, leadId: string): Promise<void> {
	const { db } = deps;
	const [rubric] = await latestRubrics(db, projectId);
	const rows = await db
		.select({ id: items.id, externalId: items.externalId, modality: items.modality })
		.from(items)
		.where(eq(items.projectId, projectId))
		.orderBy(items.externalId);
	const submitted = await db
		.select({ itemId: evaluations.itemId, scores: evaluations.scores, flags: evaluations.flags })
		.from(evaluations)
		.where(and(eq(evaluations.projectId, projectId), eq(evaluations.state, 'submitted')));
	const lines = rows.map((item) => {
		const next = mulberry32(hash(item.externalId ?? item.id));
		const humans = submitted.filter((e) => e.itemId === item.id);
		const scores: Scores = {};
		for (const dim of dimensionsFor(rubric, item.modality)) {
			const human = consensus(
				humans.map((e) => (e.scores as Scores)[dim.key]),
				dim
			);
			const value = judgeValue(dim, human, next);
			if (value !== undefined) scores[dim.key] = value;
			// A stop answer to the gate (an infeasible or unsafe edit) ends the evaluation, for the judge too.
			if (dim.gate?.stopValues.some((v) => v === value)) break;
		}
		const flags = [...new Set(humans.flatMap((e) => e.flags))].filter(
			(f) => NOTICED_FLAGS.has(f) && humans.filter((e) => e.flags.includes(f)).length * 2 > humans.length
		);
		const good = typeof scores.correctness !== 'number' || scores.correctness >= 5;
		const pool = good ? RATIONALES.good : RATIONALES.mixed;
		const rationale = pool[Math.floor(next() * pool.length)];
		return JSON.stringify({
			externalId: item.externalId,
			judge: DEMO_JUDGE.name,
			model: DEMO_JUDGE.model,
			scores,
			flags,
			rationale
		});
	});
	const file = tempPath(deps.config.dataDir, 'jsonl');
	try {
		writeFileSync(file.path, lines.join('\n') + '\n');
		const result = await importJudgeScores(deps, projectId, leadId, file.path);
		if (result.problemCount) throw new Error(`the demo judge's scores do not fit: ${JSON.stringify(result.problems)}`);
	} finally {
		file.remove();
	}
}
