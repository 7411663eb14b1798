// Seeds the demo workspace on an empty database: six users (one per role), a project with a realistic rubric,
// 30+ items of every modality with their media, prior evaluations with real disagreement, a guideline, and a
// model judge with imported scores (judge-seed.ts).
// Runs only when the database has no users, so it never touches real data; when several nodes start on one empty
// database at once, one seeds and the others find its users and skip (the demo emails are unique).
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { count, eq } from 'drizzle-orm';
import type { AppDeps } from '../deps';
import { evaluations, guidelineAcks, guidelineVersions, guidelines, items, users } from '../../drizzle/schema';
import { hashPassword } from '../domain/passwords';
import { newId, newSecret } from '../domain/ids';
import { first, tx } from '../db/client';
import { createProject, createRubric, setMembership } from '../db/projects';
import { insertItems } from '../db/items';
import { recordMedia } from '../db/media';
import { mediaDir } from '../db/media-store';
import { markAssignment } from '../db/queue';
import { recountProject } from '../db/project-counts';
import { rubricDefinitionSchema } from '#shared/rubric';
import { itemInputSchema } from '#shared/items';
import { markdownToDoc } from '#shared/markdown-doc';
import { seedDemoCalibration } from './calibration-seed';
import { seedDemoEscalations } from './escalation-seed';
import { seedDemoJudge } from './judge-seed';
import type { Role } from '#shared/roles';

const here = dirname(fileURLToPath(import.meta.url));
const readJson = <T>(name: string): T => JSON.parse(readFileSync(join(here, name), 'utf8')) as T;

const DEMO_USERS: { email: string; name: string; role: Role | 'admin' }[] = [
	{ email: 'lead@demo.test', name: 'Lea Lima', role: 'lead' },
	{ email: 'pm@demo.test', name: 'Paulo Mendes', role: 'manager' },
	{ email: 'ana@demo.test', name: 'Ana Souza', role: 'evaluator' },
	{ email: 'ben@demo.test', name: 'Ben Carter', role: 'evaluator' },
	{ email: 'chen@demo.test', name: 'Chen Wei', role: 'evaluator' },
	{ email: 'admin@demo.test', name: 'Ada Admin', role: 'admin' }
];

interface DemoEvaluation {
	itemExternalId: string;
	evaluator: string;
	scores: Record<string, string | number | boolean>;
	flags?: string[];
	tags?: string[];
	spans?: unknown[];
	rationale?: string;
	timeSpentMs?: number;
}

export async function seedDemo(deps: AppDeps): Promise<void> {
	const { db, logger, config } = deps;
	if (((await first(db.select({ n: count() }).from(users)))?.n ?? 0) > 0) return;
	const password = config.demoPassword ?? newSecret(9);
	const passwordHash = await hashPassword(password);

	const manifest = readJson<Record<string, { sha256: string; mime: string; size: number }>>('media/manifest.json');
	const dir = mediaDir(config.dataDir);
	mkdirSync(dir, { recursive: true });
	for (const [file, m] of Object.entries(manifest)) {
		const target = join(dir, m.sha256);
		if (!existsSync(target)) copyFileSync(join(here, 'media', file), target);
	}

	const rubricDef = rubricDefinitionSchema.parse(readJson('rubric.json'));
	const itemInputs = readJson<unknown[]>('items.json').map((i) => itemInputSchema.parse(i));
	const demoEvaluations = readJson<DemoEvaluation[]>('evaluations.json');
	const guidelineMd = readFileSync(join(here, 'guideline.md'), 'utf8');

	const seeded = await tx(db, async (t) => {
		const now = Date.now();
		const ids = new Map(DEMO_USERS.map((u) => [u.email, newId()]));
		const inserted = await t
			.insert(users)
			.values(
				DEMO_USERS.map((u) => ({
					id: ids.get(u.email)!,
					email: u.email,
					name: u.name,
					passwordHash,
					isAdmin: u.role === 'admin',
					locale: null,
					createdAt: now
				}))
			)
			.onConflictDoNothing({ target: users.email })
			.returning({ id: users.id });
		// Another node seeded meanwhile (its users committed first): leave its workspace as it is.
		if (inserted.length === 0) return null;
		if (inserted.length !== DEMO_USERS.length) throw new Error('some demo users exist already; not seeding');
		const adminId = ids.get('admin@demo.test')!;
		const project = await createProject(
			t,
			{
				name: 'Atlas Assistant — Q4 quality review',
				description:
					'Evaluation of the Atlas assistant across text, chat, image, video and pairwise outputs, in English and Brazilian Portuguese.',
				settings: { overlap: 3, agreementThreshold: 0.4, minEvaluations: 3 }
			},
			adminId
		);
		for (const u of DEMO_USERS)
			if (u.role !== 'admin') await setMembership(t, project.id, ids.get(u.email)!, u.role, adminId);
		const rubric = await createRubric(t, project.id, 'Atlas quality rubric', rubricDef, ids.get('lead@demo.test')!);
		for (const [, m] of Object.entries(manifest)) await recordMedia(t, m.sha256, m.mime, m.size);
		await insertItems(t, project.id, itemInputs, ids.get('lead@demo.test')!);

		const guidelineId = newId();
		await t.insert(guidelines).values({
			id: guidelineId,
			projectId: project.id,
			title: 'Atlas evaluation guidelines',
			createdBy: ids.get('lead@demo.test')!,
			createdAt: now - 14 * 86400_000
		});
		const versionId = newId();
		await t.insert(guidelineVersions).values({
			id: versionId,
			guidelineId,
			number: 1,
			content: markdownToDoc(guidelineMd),
			markdown: guidelineMd,
			changelog: 'First published version',
			dimensions: [],
			publishedBy: ids.get('lead@demo.test')!,
			publishedAt: now - 14 * 86400_000
		});
		await t.insert(guidelineAcks).values(
			DEMO_USERS.filter((u) => u.role !== 'admin').map((u) => ({
				versionId,
				userId: ids.get(u.email)!,
				at: now - 13 * 86400_000
			}))
		);

		const itemRows = await t
			.select({ id: items.id, ext: items.externalId })
			.from(items)
			.where(eq(items.projectId, project.id));
		const itemIds = new Map(itemRows.map((r) => [r.ext, r.id]));
		const submitted = demoEvaluations.map((e, i) => {
			const itemId = itemIds.get(e.itemExternalId);
			const evaluatorId = ids.get(e.evaluator);
			if (!itemId || !evaluatorId) throw new Error(`demo evaluation ${i} refers to an unknown item or evaluator`);
			// Spread submissions over the past two weeks so time-based charts have a shape.
			const at = now - (14 - (i % 14)) * 86400_000 + i * 60_000;
			return {
				id: newId(),
				projectId: project.id,
				itemId,
				evaluatorId,
				rubricId: rubric.id,
				rubricVersion: rubric.version,
				guidelineVersionId: versionId,
				scores: e.scores,
				flags: e.flags ?? [],
				tags: e.tags ?? [],
				spans: e.spans ?? [],
				rationale: e.rationale ?? '',
				sources: [],
				timeSpentMs: e.timeSpentMs ?? 90_000,
				state: 'submitted' as const,
				createdAt: at,
				updatedAt: at,
				submittedAt: at
			};
		});
		await t.insert(evaluations).values(submitted);
		for (const e of submitted) await markAssignment(t, e.itemId, e.evaluatorId, 'done');
		await recountProject(t, project.id);
		// A finished two-round calibration session, so the report and gold have data out of the box.
		await seedDemoCalibration(t, { projectId: project.id, rubricId: rubric.id, users: ids, items: itemIds });
		return { projectId: project.id, users: ids, items: itemIds };
	});
	if (!seeded) return;
	await seedDemoEscalations(db, { ...seeded, names: new Map(DEMO_USERS.map((u) => [u.email, u.name])) });
	// One imported model judge beside the people, imported after their scores so it is compared with them.
	await seedDemoJudge(deps, seeded.projectId, seeded.users.get('lead@demo.test')!);
	logger.info({ users: DEMO_USERS.map((u) => u.email) }, 'seeded the demo workspace');
	if (!config.demoPassword) {
		console.log(
			`\n  Demo workspace created. Sign in as lead@demo.test (or pm@, ana@, ben@, chen@, admin@demo.test)\n  with the password: ${password}\n  (set CONCORD_DEMO_PASSWORD to choose it; it is shown only this once)\n`
		);
	}
}
