// Guidelines: documents per project, the live draft in the `guideline:<id>` room (seeded from the latest
// version when empty), publication of numbered frozen versions, diffs, Markdown export, acknowledgements,
// and re-review of evaluations made under older versions. Every decision is one transaction with its audit row;
// the outcome is then mirrored into the room's `state` map.
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../env';
import { requireProject } from '../access';
import { validate } from '../validate';
import { doc } from '../openapi';
import { tx } from '../../db/client';
import { NotFound, Validation } from '../../domain/errors';
import {
	assertKnownDimensions,
	assertPublishable,
	nextVersionNumber,
	publisherAcknowledges,
	readDraft,
	seedDraft,
	type FrozenDraft
} from '../../domain/guideline';
import {
	acknowledge,
	acknowledgingMembers,
	createGuideline,
	getGuideline,
	getVersion,
	getVersionRow,
	guidelineSummary,
	guidelinesOf,
	insertVersion,
	latestVersion,
	requestRereview,
	versionAcks,
	versionSummaries
} from '../../db/guidelines';
import { proposalCase } from '../../db/guideline-proposals';
import { affectedItems, affectedItemsPage } from '../../db/guideline-affected';
import { pageOnlyQuerySchema } from '#shared/paging';
import { latestRubrics } from '../../db/projects';
import { notify } from '../../db/notifications';
import {
	createGuidelineSchema,
	diffQuerySchema,
	GUIDELINE_STATE,
	parseProposalRef,
	proposeQuerySchema,
	publishInputSchema,
	rereviewInputSchema
} from '#shared/guideline';
import { diffDocs } from '#shared/guideline-diff';
import { docToMarkdown } from '#shared/doc-markdown';
import { roomName } from '#shared/rooms';
import type { PmNode } from '#shared/markdown-doc';
import type { Action } from '../../domain/permissions';

const app = new Hono<AppEnv>();
type Ctx = Context<AppEnv>;

async function loadGuideline(c: Ctx, action: Action) {
	const guideline = await getGuideline(c.var.deps.db, c.req.param('id')!);
	if (!guideline) throw NotFound('No such guideline');
	const access = await requireProject(c, guideline.projectId, action);
	return { guideline, ...access };
}

async function loadVersion(c: Ctx, guidelineId: string) {
	const n = Number(c.req.param('n'));
	if (!Number.isInteger(n) || n < 1) throw NotFound('No such version');
	const version = await getVersionRow(c.var.deps.db, guidelineId, n);
	if (!version) throw NotFound(`Version ${n} does not exist`);
	return version;
}

const summaryFor = (
	c: Ctx,
	g: Parameters<typeof guidelineSummary>[1],
	a: { user: { id: string; isAdmin: boolean }; role: Parameters<typeof guidelineSummary>[2]['role'] }
) => guidelineSummary(c.var.deps.db, g, { id: a.user.id, isAdmin: a.user.isAdmin, role: a.role });

app.get(
	'/projects/:pid/guidelines',
	doc('guidelines', 'Guideline documents, oldest first, paged', 'member'),
	validate('query', pageOnlyQuerySchema),
	async (c) => {
		const pid = c.req.param('pid');
		const access = await requireProject(c, pid, 'guideline.read');
		const { rows, nextCursor } = await guidelinesOf(c.var.deps.db, pid, c.req.valid('query'));
		const guidelines = [];
		for (const g of rows) guidelines.push(await summaryFor(c, g, access));
		return c.json({ guidelines, nextCursor });
	}
);

app.post(
	'/projects/:pid/guidelines',
	doc('guidelines', 'Create a guideline', 'lead', { status: 201 }),
	validate('json', createGuidelineSchema),
	async (c) => {
		const pid = c.req.param('pid');
		const access = await requireProject(c, pid, 'guideline.edit');
		const row = await tx(c.var.deps.db, (t) => createGuideline(t, pid, c.req.valid('json').title, access.user.id));
		return c.json({ guideline: await summaryFor(c, row, access) }, 201);
	}
);

app.get(
	'/guidelines/:id',
	doc('guidelines', 'One guideline (seeds its live draft from the latest version)', 'member'),
	async (c) => {
		const { guideline, ...access } = await loadGuideline(c, 'guideline.read');
		const { db, rooms } = c.var.deps;
		const latest = await latestVersion(db, guideline.id);
		// The draft starts as the latest published text; seeded once, before the page binds its editor to the room.
		if (latest) await rooms.update(roomName('guideline', guideline.id), (doc) => void seedDraft(doc, latest));
		return c.json({ guideline: await summaryFor(c, guideline, access) });
	}
);

app.post(
	'/guidelines/:id/publish',
	doc('guidelines', 'Freeze the live draft as version n+1', 'lead', { status: 201 }),
	validate('json', publishInputSchema),
	async (c) => {
		const { guideline, user, role } = await loadGuideline(c, 'guideline.edit');
		const input = c.req.valid('json');
		const { db, rooms, logger, events } = c.var.deps;
		const room = roomName('guideline', guideline.id);
		if (input.dimensions.length) {
			const rubrics = await latestRubrics(db, guideline.projectId);
			assertKnownDimensions(input.dimensions, new Set(rubrics.flatMap((r) => (r.dimensions ?? []).map((d) => d.key))));
		}
		let draft: FrozenDraft | null = null;
		await rooms.update(room, (doc) => {
			draft = readDraft(doc);
		});
		const frozen = draft as FrozenDraft | null;
		if (!frozen) throw Validation('The draft could not be read');
		if (frozen.dropped.length)
			logger.warn(
				{ guideline: guideline.id, dropped: frozen.dropped },
				'published a guideline draft without content the schema does not know'
			);
		const version = await tx(db, async (t) => {
			const latest = await latestVersion(t, guideline.id);
			// Compared as re-rendered from the stored content, so a version imported from hand-written Markdown counts too.
			assertPublishable(
				frozen,
				latest ? { number: latest.number, markdown: docToMarkdown(latest.content as PmNode) } : null
			);
			const row = await insertVersion(t, {
				guideline,
				number: nextVersionNumber(latest?.number ?? null),
				content: frozen.content,
				markdown: frozen.markdown,
				changelog: input.changelog,
				dimensions: input.dimensions,
				escalationIds: input.escalationIds,
				actorId: user.id
			});
			if (publisherAcknowledges({ isAdmin: user.isAdmin, role }))
				await acknowledge(t, row, guideline.projectId, user.id);
			const audience = (await acknowledgingMembers(t, guideline.projectId)).filter((id) => id !== user.id);
			await notify(t, audience, {
				projectId: guideline.projectId,
				kind: 'guideline.published',
				data: {
					guidelineId: guideline.id,
					title: guideline.title,
					number: row.number,
					href: `/projects/${guideline.projectId}/guidelines/${guideline.id}`
				}
			});
			return row;
		});
		await events.emit('guideline.published', {
			projectId: guideline.projectId,
			guidelineId: guideline.id,
			versionId: version.id,
			number: version.number,
			changelog: input.changelog,
			publishedBy: user.id
		});
		try {
			await rooms.update(room, (doc) => {
				doc.getMap('state').set(GUIDELINE_STATE.published, {
					number: version.number,
					publishedAt: version.publishedAt,
					publishedBy: { id: user.id, name: user.name }
				});
			});
		} catch (err) {
			logger.error({ err, room, version: version.number }, 'could not mirror the publication into the guideline room');
		}
		return c.json({ version: await getVersion(db, guideline.id, version.number) }, 201);
	}
);

app.get(
	'/guidelines/:id/versions',
	doc('guidelines', 'Published versions, newest first, paged', 'member'),
	validate('query', pageOnlyQuerySchema),
	async (c) => {
		const { guideline } = await loadGuideline(c, 'guideline.read');
		return c.json(await versionSummaries(c.var.deps.db, guideline.id, c.req.valid('query')));
	}
);

app.get('/guidelines/:id/versions/:n', doc('guidelines', 'One published version', 'member'), async (c) => {
	const { guideline } = await loadGuideline(c, 'guideline.read');
	const v = await loadVersion(c, guideline.id);
	return c.json({ version: await getVersion(c.var.deps.db, guideline.id, v.number) });
});

app.get(
	'/guidelines/:id/versions/:n/markdown',
	doc('guidelines', 'One published version as Markdown', 'member', {
		produces: { 'text/markdown': 'the version, as a download' }
	}),
	async (c) => {
		const { guideline } = await loadGuideline(c, 'guideline.read');
		const v = await loadVersion(c, guideline.id);
		const slug =
			guideline.title
				.toLowerCase()
				.replace(/[^a-z0-9]+/g, '-')
				.replace(/^-|-$/g, '') || 'guideline';
		c.header('content-type', 'text/markdown; charset=utf-8');
		c.header('content-disposition', `attachment; filename="${slug}-v${v.number}.md"`);
		return c.body(`<!-- ${guideline.title.replace(/--/g, '—')} — version ${v.number} -->\n\n${v.markdown}`);
	}
);

app.get(
	'/guidelines/:id/diff',
	doc('guidelines', 'Diff between two versions', 'member'),
	validate('query', diffQuerySchema),
	async (c) => {
		const { guideline } = await loadGuideline(c, 'guideline.read');
		const { from, to } = c.req.valid('query');
		const { db } = c.var.deps;
		const doc = async (n: number): Promise<PmNode | null> => {
			if (n === 0) return null;
			const v = await getVersion(db, guideline.id, n);
			if (!v) throw NotFound(`Version ${n} does not exist`);
			return v.content;
		};
		const before = await doc(from);
		return c.json({ diff: { from, to, ...diffDocs(before, await doc(to)) } });
	}
);

app.post(
	'/guidelines/:id/versions/:n/ack',
	doc('guidelines', 'Acknowledge a version', 'evaluator, lead'),
	async (c) => {
		const { guideline, user } = await loadGuideline(c, 'guideline.acknowledge');
		const v = await loadVersion(c, guideline.id);
		const at = await tx(c.var.deps.db, (t) => acknowledge(t, v, guideline.projectId, user.id));
		return c.json({ ack: { number: v.number, at } });
	}
);

app.get(
	'/guidelines/:id/versions/:n/acks',
	doc('guidelines', 'Who acknowledged a version and who has not yet, by name, paged, with counts', 'lead, manager'),
	validate('query', pageOnlyQuerySchema),
	async (c) => {
		const { guideline } = await loadGuideline(c, 'guideline.oversee');
		const v = await loadVersion(c, guideline.id);
		return c.json(await versionAcks(c.var.deps.db, guideline.projectId, v.id, c.req.valid('query')));
	}
);

app.get(
	'/guidelines/:id/versions/:n/affected',
	doc('guidelines', 'Evaluations made under earlier versions that a version touches, by item, paged', 'lead, manager'),
	validate('query', pageOnlyQuerySchema),
	async (c) => {
		const { guideline } = await loadGuideline(c, 'guideline.oversee');
		const v = await loadVersion(c, guideline.id);
		const page = await affectedItemsPage(c.var.deps.db, guideline, v, c.req.valid('query'));
		return c.json({ dimensions: v.dimensions, ...page });
	}
);

app.post(
	'/guidelines/:id/versions/:n/rereview',
	doc('guidelines', 'Send affected evaluations back for re-review', 'lead'),
	validate('json', rereviewInputSchema),
	async (c) => {
		const { guideline, user } = await loadGuideline(c, 'guideline.edit');
		const v = await loadVersion(c, guideline.id);
		const { itemIds } = c.req.valid('json');
		const { db } = c.var.deps;
		const result = await tx(db, async (t) => {
			const wanted = itemIds ? new Set(itemIds) : null;
			const ids = (await affectedItems(t, guideline, v))
				.filter((i) => !wanted || wanted.has(i.itemId))
				.flatMap((i) => i.evaluations.map((e) => e.evaluationId));
			const changed = await requestRereview(t, ids, {
				projectId: guideline.projectId,
				guidelineId: guideline.id,
				number: v.number,
				actorId: user.id
			});
			const perEvaluator = new Map<string, number>();
			for (const e of changed) perEvaluator.set(e.evaluatorId, (perEvaluator.get(e.evaluatorId) ?? 0) + 1);
			for (const [evaluatorId, count] of perEvaluator) {
				await notify(t, [evaluatorId], {
					projectId: guideline.projectId,
					kind: 'guideline.rereview',
					data: {
						guidelineId: guideline.id,
						title: guideline.title,
						number: v.number,
						count,
						href: `/projects/${guideline.projectId}/queue`
					}
				});
			}
			return { items: new Set(changed.map((e) => e.itemId)).size, evaluations: changed.length };
		});
		return c.json({ result });
	}
);

app.get(
	'/guidelines/:id/proposal',
	doc('guidelines', 'A case (escalation or calibration item) to propose a guideline change from', 'lead'),
	validate('query', proposeQuerySchema),
	async (c) => {
		const { guideline } = await loadGuideline(c, 'guideline.edit');
		const ref = parseProposalRef(c.req.valid('query').source);
		if (!ref) throw Validation('source must be escalation:<id> or calibration:<id>:<itemId>');
		const found = await proposalCase(c.var.deps.db, guideline.projectId, ref);
		if (!found) throw NotFound('No such case in this project');
		return c.json({ case: found });
	}
);

export default app;
