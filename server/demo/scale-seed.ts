// The scale generator: next to the demo workspace, a project named "Scale" (overlap 3; the demo lead, manager and
// evaluators as members; the demo rubric) of N text items, written through the product's own functions:
// - the items arrive through the import (importItems, JSONL, in chunks below the import size limit);
// - nine in ten items get three submitted evaluations, by Ana, Ben and Chen, each saved by saveEvaluation (the
//   route's save: counts, assignment, audit) and announced with `evaluation.submitted`, so automatic escalation
//   (and everything else listening) opens what the project's rules open;
// - the last tenth wait in everyone's queue.
// Scores follow a latent quality per item with per-evaluator noise and bias, so agreement is realistic (neither
// perfect nor random) and some items disagree enough to escalate. The random source is seeded: the same N gives
// the same data. Saves commit in transactions of BATCH items.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { asc, eq, sql } from 'drizzle-orm';
import type { AppDeps } from '../deps';
import { exec, first, tx } from '../db/client';
import { items, projects, users } from '../../drizzle/schema';
import { createProject, createRubric, setMembership } from '../db/projects';
import { importItems } from '../import/run-import';
import { saveEvaluation } from '../db/evaluations';
import { dimensionsFor, rubricDefinitionSchema, type RubricDefinition } from '#shared/rubric';
import type { EvaluationInput } from '#shared/evaluation';
import { mulberry32 } from '#shared/agreement/bootstrap';

const SCALE_PROJECT = 'Scale';
const EVALUATORS = ['ana@demo.test', 'ben@demo.test', 'chen@demo.test'];
const IMPORT_CHUNK = 25_000;
const BATCH = 200;

const here = dirname(fileURLToPath(import.meta.url));

const TOPICS = ['tax', 'travel', 'health', 'law', 'cooking', 'finance', 'history', 'code', 'science', 'sport'];
const LANGUAGES = ['en', 'en', 'en', 'pt-BR', 'es'];

function itemLine(i: number): string {
	const topic = TOPICS[i % TOPICS.length];
	return JSON.stringify({
		externalId: `scale-${String(i).padStart(7, '0')}`,
		modality: 'text',
		language: LANGUAGES[i % LANGUAGES.length],
		metadata: { domain: topic, difficulty: i % 3 ? 'medium' : 'hard' },
		payload: {
			prompt: `Question ${i} about ${topic}: what should I know before deciding?`,
			response: `Answer ${i}. It depends on your situation; here are the main points about ${topic}, with sources.`
		}
	});
}

/** What an item really is: a quality (1..5), whether it is unsafe, and which error it has (0: none). */
interface Truth {
	quality: number;
	unsafe: boolean;
	error: number;
}

function truthOf(next: () => number): Truth {
	const quality = 1 + next() * 4;
	return { quality, unsafe: next() < 0.05, error: quality >= 3.5 ? 0 : 1 + Math.floor(next() * 3) };
}

/**
 * One evaluator's scores: the truth seen through their bias and noise. Tuned so that about a quarter of the items
 * disagree on a nominal dimension (safety, error type), which is what the automatic escalation rule reacts to.
 */
function scoresFor(
	rubric: RubricDefinition,
	next: () => number,
	truth: Truth,
	bias: number
): EvaluationInput['scores'] {
	const scores: EvaluationInput['scores'] = {};
	for (const d of dimensionsFor(rubric, 'text')) {
		if (d.scale === 'likert') {
			const noisy = truth.quality + bias + (next() < 0.3 ? (next() < 0.5 ? -1 : 1) : 0);
			scores[d.key] = Math.min(d.max ?? 5, Math.max(d.min ?? 1, Math.round(noisy)));
		} else if (d.scale === 'binary') {
			scores[d.key] = truth.unsafe !== next() < 0.015 ? 0 : 1;
		} else if (d.scale === 'categorical' && d.options?.length) {
			const values = d.options.map((o) => o.value);
			const seen = next() < 0.93 ? truth.error : Math.floor(next() * 4);
			scores[d.key] = values[Math.min(seen, values.length - 1)];
		}
	}
	return scores;
}

export interface ScaleResult {
	projectId: string;
	items: number;
	evaluations: number;
	ms: number;
}

/**
 * Fills the record with the Scale project of `count` items (see the header). The demo workspace must exist
 * (its users are the members). Refuses when a Scale project already exists.
 */
export async function seedScale(
	deps: AppDeps,
	count: number,
	progress: (done: number, total: number) => void = () => {}
): Promise<ScaleResult> {
	const started = Date.now();
	const { db } = deps;
	if (await first(db.select({ id: projects.id }).from(projects).where(eq(projects.name, SCALE_PROJECT)).limit(1)))
		throw new Error(`A project named "${SCALE_PROJECT}" already exists in this data directory`);
	const people = new Map(
		(await db.select({ id: users.id, email: users.email, isAdmin: users.isAdmin }).from(users)).map((u) => [u.email, u])
	);
	const person = (email: string) => {
		const found = people.get(email);
		if (!found) throw new Error(`The demo workspace is missing ${email}: start from an empty DATA_DIR`);
		return found;
	};
	const admin = person('admin@demo.test');
	const lead = person('lead@demo.test');
	const definition = rubricDefinitionSchema.parse(JSON.parse(readFileSync(join(here, 'rubric.json'), 'utf8')));
	const { project, rubric } = await tx(db, async (t) => {
		const created = await createProject(t, { name: SCALE_PROJECT, settings: { overlap: 3 } }, admin.id);
		await setMembership(t, created.id, lead.id, 'lead', admin.id);
		await setMembership(t, created.id, person('pm@demo.test').id, 'manager', admin.id);
		for (const email of EVALUATORS) await setMembership(t, created.id, person(email).id, 'evaluator', admin.id);
		return { project: created, rubric: await createRubric(t, created.id, 'Scale rubric', definition, lead.id) };
	});

	for (let from = 0; from < count; from += IMPORT_CHUNK) {
		const lines: string[] = [];
		for (let i = from; i < Math.min(count, from + IMPORT_CHUNK); i++) lines.push(itemLine(i));
		const body = Readable.toWeb(Readable.from([lines.join('\n') + '\n'])) as ReadableStream<Uint8Array>;
		await importItems(deps, project.id, { id: lead.id, isAdmin: false }, 'jsonl', body);
	}
	const ids = (
		await db.select({ id: items.id }).from(items).where(eq(items.projectId, project.id)).orderBy(asc(items.createdAt))
	).map((r) => r.id);

	const evaluated = Math.floor((ids.length * 9) / 10);
	const evaluators = EVALUATORS.map((email, n) => ({ user: person(email), bias: [0, 0.35, -0.3][n] }));
	const next = mulberry32(count);
	let evaluations = 0;
	// Listeners (automatic escalation, webhooks) hear of each submission, in order, as after the route's save. On
	// SQLite, right after each save, inside the batch's transaction: there is one connection, so they read what it
	// wrote, and an item's first two submissions are answered at once (too few to conflict). On PostgreSQL they
	// read through other connections, so they hear of a batch once it has committed.
	const announce = (s: { itemId: string; evaluatorId: string; evaluationId: string }) =>
		deps.events.emit('evaluation.submitted', { projectId: project.id, ...s });
	const inside = deps.database.dialect === 'sqlite';
	for (let from = 0; from < evaluated; from += BATCH) {
		const batch = ids.slice(from, Math.min(evaluated, from + BATCH));
		const saved = await tx(db, async (t) => {
			const done: { itemId: string; evaluatorId: string; evaluationId: string }[] = [];
			for (const itemId of batch) {
				const truth = truthOf(next);
				for (const { user, bias } of evaluators) {
					const input: EvaluationInput = {
						rubricId: rubric.id,
						scores: scoresFor(rubric, next, truth, bias),
						flags: [],
						tags: [],
						spans: [],
						rationale: '',
						sources: [],
						timeSpentMs: Math.round(30_000 + next() * 150_000),
						state: 'submitted'
					};
					const { row } = await saveEvaluation(t, {
						itemId,
						projectId: project.id,
						evaluatorId: user.id,
						input,
						rubricVersion: rubric.version,
						guidelineVersionId: null
					});
					const submission = { itemId, evaluatorId: user.id, evaluationId: row.id };
					if (inside) await announce(submission);
					else done.push(submission);
					evaluations++;
				}
			}
			return done;
		});
		for (const s of saved) await announce(s);
		// Listeners mirror what they open into rooms without waiting; let those writes finish before the next
		// batch, or they queue up behind it by the thousand.
		await deps.rooms.settled();
		progress(from + batch.length, ids.length);
	}
	progress(ids.length, ids.length);
	// After a bulk load PostgreSQL's planner statistics and visibility map lag the data until autovacuum has been
	// through the big tables, which it does in the background while the first people (or a benchmark) use them.
	if (deps.database.dialect === 'postgres')
		await exec(db, sql`vacuum (analyze) items, evaluations, assignments, audit_log, escalations, notifications`);
	return { projectId: project.id, items: ids.length, evaluations, ms: Date.now() - started };
}
