// The demo workspace's data files (server/demo) honour the shared contracts: items, rubric and prior evaluations
// parse and validate, every media reference points at a shipped file whose bytes hash to its address, and the
// content covers what the demo needs (modalities, languages, ambiguous, sensitive and XSS cases, evaluator drift).
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { itemInputSchema, MODALITIES, type ItemInput } from '#shared/items';
import { dimensionsFor, rubricDefinitionSchema } from '#shared/rubric';
import { spanSchema, validateScores, type Scores } from '#shared/evaluation';

const demoDir = join(process.cwd(), 'server/demo');
const mediaDir = join(demoDir, 'media');
const readJson = (name: string): unknown => JSON.parse(readFileSync(join(demoDir, name), 'utf8'));

interface ManifestEntry {
	sha256: string;
	mime: string;
	size: number;
}
interface DemoEvaluation {
	itemExternalId: string;
	evaluator: string;
	scores: Scores;
	flags: string[];
	tags: string[];
	rationale: string;
	timeSpentMs: number;
	spans?: unknown[];
}

const manifest = readJson('media/manifest.json') as Record<string, ManifestEntry>;
const rubric = rubricDefinitionSchema.parse(readJson('rubric.json'));
const rawItems = readJson('items.json') as unknown[];
const items: ItemInput[] = rawItems.map((raw) => itemInputSchema.parse(raw));
const itemsById = new Map(items.map((i) => [i.externalId!, i]));
const evaluations = readJson('evaluations.json') as DemoEvaluation[];
const EVALUATORS = ['ana@demo.test', 'ben@demo.test', 'chen@demo.test'];

/** Every `{ src: '/media/…' }` object anywhere in a payload, with the payload path it sits at. */
function mediaRefs(value: unknown, path = ''): { path: string; src: string; mime?: string }[] {
	if (Array.isArray(value)) return value.flatMap((v, i) => mediaRefs(v, `${path}.${i}`));
	if (!value || typeof value !== 'object') return [];
	const obj = value as Record<string, unknown>;
	if (typeof obj.src === 'string') return [{ path: path.slice(1), src: obj.src, mime: obj.mime as string | undefined }];
	return Object.entries(obj).flatMap(([k, v]) => mediaRefs(v, `${path}.${k}`));
}

function fieldValue(payload: unknown, field: string): unknown {
	return field
		.split('.')
		.reduce<unknown>(
			(v, part) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined),
			payload
		);
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('demo media', () => {
	const files = readdirSync(mediaDir).filter((f) => f !== 'manifest.json');

	it('lists exactly the shipped files, with their real hash, size and type', () => {
		expect(Object.keys(manifest).sort()).toEqual([...files].sort());
		for (const [name, entry] of Object.entries(manifest)) {
			const bytes = readFileSync(join(mediaDir, name));
			expect(sha256(bytes), name).toBe(entry.sha256);
			expect(bytes.length, name).toBe(entry.size);
			expect(entry.mime, name).toMatch(/^(image\/(png|jpeg)|video\/mp4|audio\/wav)$/);
		}
	});

	it('stays small enough to ship in the repository', () => {
		const sizes = files.map((f) => statSync(join(mediaDir, f)).size);
		for (const [i, size] of sizes.entries()) expect(size, files[i]).toBeLessThan(150 * 1024);
		expect(sizes.reduce((a, b) => a + b, 0)).toBeLessThan(1.5 * 1024 * 1024);
	});

	it('is referenced by items only through /media/<sha256 of the file bytes>', () => {
		const bySha = new Map(Object.values(manifest).map((m) => [m.sha256, m]));
		const used = new Set<string>();
		for (const item of items) {
			for (const ref of mediaRefs(item.payload)) {
				const sha = ref.src.replace(/^\/media\//, '');
				const entry = bySha.get(sha);
				expect(entry, `${item.externalId} ${ref.path}`).toBeDefined();
				expect(ref.mime, `${item.externalId} ${ref.path}`).toBe(entry!.mime);
				used.add(sha);
			}
		}
		expect(used.size).toBe(bySha.size);
	});
});

describe('demo rubric', () => {
	it('keeps every modality to a quick form of at most seven dimensions', () => {
		for (const modality of MODALITIES) {
			const count = dimensionsFor(rubric, modality).length;
			expect(count, modality).toBeGreaterThanOrEqual(4);
			expect(count, modality).toBeLessThanOrEqual(7);
		}
	});

	it('labels every likert point and gates image edits on feasibility', () => {
		for (const dim of rubric.dimensions.filter((d) => d.scale === 'likert')) {
			expect(
				dim.options?.map((o) => o.value),
				dim.key
			).toEqual([1, 2, 3, 4, 5]);
		}
		const gate = rubric.dimensions.find((d) => d.gate);
		expect(gate).toMatchObject({
			key: 'feasibility',
			modalities: ['image_edit'],
			gate: { stopValues: ['infeasible', 'unsafe'] }
		});
		expect(rubric.dimensions.find((d) => d.key === 'preference')).toMatchObject({
			scale: 'pairwise',
			level: 'ordinal'
		});
	});

	it('offers the usual flags and span labels', () => {
		expect(rubric.flags.map((f) => f.key)).toEqual(
			expect.arrayContaining(['unsafe', 'policy_violation', 'hallucination', 'bias', 'pii', 'nsfw', 'broken_item'])
		);
		expect(rubric.spanLabels.map((s) => s.key)).toEqual(
			expect.arrayContaining([
				'factual_error',
				'hallucination',
				'reasoning_error',
				'unsafe',
				'awkward_phrasing',
				'wrong_language_or_register'
			])
		);
	});
});

describe('demo items', () => {
	it('parses, has unique external ids and enough items of every modality', () => {
		expect(items.length).toBeGreaterThanOrEqual(34);
		expect(itemsById.size).toBe(items.length);
		const minimum: Record<string, number> = {
			text: 12,
			chat: 4,
			caption: 4,
			image_edit: 3,
			video: 2,
			multimodal: 2,
			pairwise: 4
		};
		for (const modality of MODALITIES) {
			expect(items.filter((i) => i.modality === modality).length, modality).toBeGreaterThanOrEqual(minimum[modality]);
		}
	});

	it('covers English and Brazilian Portuguese, every domain, and records a domain per item', () => {
		expect(new Set(items.map((i) => i.language))).toEqual(new Set(['en', 'pt-BR']));
		expect(items.filter((i) => i.language === 'pt-BR').length).toBeGreaterThanOrEqual(8);
		const domains = new Set(items.map((i) => i.metadata.domain));
		for (const d of ['finance', 'healthcare', 'legal', 'marketing', 'general', 'business'])
			expect(domains).toContain(d);
		expect(items.every((i) => typeof i.metadata.domain === 'string')).toBe(true);
	});

	it('marks the calibration cases: ambiguous items with a reason, a sensitive item, an XSS probe', () => {
		const ambiguous = items.filter((i) => i.metadata.ambiguous === true);
		expect(ambiguous.length).toBeGreaterThanOrEqual(4);
		for (const i of ambiguous) expect(i.metadata.note, i.externalId).toMatch(/\S/); // a non-blank string
		expect(items.some((i) => i.metadata.sensitive === true)).toBe(true);
		expect(items.filter((i) => typeof i.metadata.planted === 'string').length).toBeGreaterThanOrEqual(15);
		const probe = items.find((i) => i.metadata.security_test === true);
		const response = String(fieldValue(probe?.payload, 'response'));
		expect(response).toContain('<img src=x onerror=alert(1)>');
		expect(response).toContain('<script>alert(1)</script>');
	});

	it('carries gold answers that are complete, valid scores for their modality', () => {
		const golden = items.filter((i) => i.gold);
		expect(golden.length).toBeGreaterThanOrEqual(3);
		for (const item of golden) {
			const gold = item.gold as { scores: Scores; note: string };
			expect(gold.note, item.externalId).toBeTruthy();
			expect(validateScores(rubric, item.modality, gold.scores, 'submitted'), item.externalId).toEqual([]);
		}
	});
});

describe('demo evaluations', () => {
	it('refer to known items and evaluators, once per evaluator and item', () => {
		const seen = new Set<string>();
		for (const e of evaluations) {
			expect(itemsById.has(e.itemExternalId), e.itemExternalId).toBe(true);
			expect(EVALUATORS).toContain(e.evaluator);
			const key = `${e.itemExternalId} ${e.evaluator}`;
			expect(seen.has(key), key).toBe(false);
			seen.add(key);
		}
	});

	it('submit valid scores, known flags, tags and span labels, and a rationale', () => {
		const flags = new Set(rubric.flags.map((f) => f.key));
		const tags = new Set(rubric.tags);
		const labels = new Set(rubric.spanLabels.map((s) => s.key));
		for (const e of evaluations) {
			const item = itemsById.get(e.itemExternalId)!;
			const where = `${e.itemExternalId} by ${e.evaluator}`;
			expect(validateScores(rubric, item.modality, e.scores, 'submitted'), where).toEqual([]);
			for (const f of e.flags) expect(flags.has(f), `${where}: flag ${f}`).toBe(true);
			for (const t of e.tags) expect(tags.has(t), `${where}: tag ${t}`).toBe(true);
			expect(e.rationale.length, where).toBeGreaterThan(10);
			expect(e.timeSpentMs, where).toBeGreaterThan(0);
			for (const raw of e.spans ?? []) {
				const span = spanSchema.parse(raw);
				expect(labels.has(span.label), `${where}: span label ${span.label}`).toBe(true);
				if (span.kind === 'text') {
					const text = fieldValue(item.payload, span.field);
					expect(typeof text, `${where}: ${span.field}`).toBe('string');
					expect((text as string).slice(span.start, span.end), where).toBe(span.quote);
				} else {
					expect(
						mediaRefs(item.payload).map((r) => r.path),
						where
					).toContain(span.field);
				}
			}
		}
	});

	it('cover most text, chat and pairwise items with two or three evaluators each', () => {
		const byItem = new Map<string, number>();
		for (const e of evaluations) byItem.set(e.itemExternalId, (byItem.get(e.itemExternalId) ?? 0) + 1);
		for (const n of byItem.values()) expect(n).toBeGreaterThanOrEqual(2);
		const scorable = items.filter((i) => ['text', 'chat', 'pairwise'].includes(i.modality));
		const covered = scorable.filter((i) => byItem.has(i.externalId!));
		expect(covered.length / scorable.length).toBeGreaterThanOrEqual(0.8);
	});

	it('show drift: chen is lenient on correctness, and evaluators split on the pt-PT item', () => {
		const mean = (who: string) => {
			const values = evaluations
				.filter((e) => e.evaluator === who && typeof e.scores.correctness === 'number')
				.map((e) => e.scores.correctness as number);
			return values.reduce((a, b) => a + b, 0) / values.length;
		};
		expect(mean('chen@demo.test')).toBeGreaterThan(mean('ana@demo.test') + 0.5);
		expect(mean('chen@demo.test')).toBeGreaterThan(mean('ben@demo.test') + 0.3);
		const register = items.find(
			(i) => i.language === 'pt-BR' && i.metadata.ambiguous === true && /europeu/.test(String(i.metadata.note))
		);
		const tones = evaluations
			.filter((e) => e.itemExternalId === register?.externalId)
			.map((e) => e.scores.tone_register as number);
		expect(Math.max(...tones) - Math.min(...tones)).toBeGreaterThanOrEqual(2);
	});
});

describe('demo guideline', () => {
	it('is a guideline of a readable length with a section per dimension family', () => {
		const md = readFileSync(join(demoDir, 'guideline.md'), 'utf8');
		const lines = md.trimEnd().split('\n').length;
		expect(lines).toBeGreaterThanOrEqual(80);
		expect(lines).toBeLessThanOrEqual(150);
		for (const heading of [
			'Correctness',
			'Tone',
			'Brazilian vs European Portuguese',
			'Safety',
			'Image edits',
			'escalate'
		]) {
			expect(md).toMatch(new RegExp(`^## .*${heading}`, 'm'));
		}
	});
});
