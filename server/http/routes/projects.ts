// Projects, their members and their rubrics. The project and member lists are paged by cursor; a change to the
// members answers with their first page. Any member may leave a project; no change (leaving, removal, a new role)
// may take a project's last quality lead away (db/projects.ts assertLeadRemains).
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../env';
import { requireProject, requireProjectRow, requireUser } from '../access';
import { issueDetails, validate } from '../validate';
import { doc } from '../openapi';
import { Conflict, Forbidden, NotFound, Validation } from '../../domain/errors';
import {
	createProject,
	createRubric,
	getRubric,
	latestRubrics,
	projectMembers,
	projectsFor,
	removeMembership,
	rubricFamily,
	setMembership
} from '../../db/projects';
import { findUser, findUserByEmail } from '../../db/users';
import { rubricDefinitionSchema } from '#shared/rubric';
import { rubricTranslationsSchema } from '#shared/rubric-i18n';
import { ROLES } from '#shared/roles';
import { FIRST_PAGE, pageOnlyQuerySchema } from '#shared/paging';
import { tx } from '../../db/client';

const settingsSchema = z.strictObject({
	overlap: z.number().int().min(1).max(50),
	agreementThreshold: z.number().min(-1).max(1),
	minEvaluations: z.number().int().min(2).max(50),
	dimensionThresholds: z.record(z.string(), z.number().min(-1).max(1)).optional()
});

const app = new Hono<AppEnv>();

app.get(
	'/',
	doc('projects', 'Projects the caller belongs to by name, paged (admins: then every other)', 'signed in'),
	validate('query', pageOnlyQuerySchema),
	async (c) => {
		const user = requireUser(c);
		return c.json(await projectsFor(c.var.deps.db, user.id, user.isAdmin, c.req.valid('query')));
	}
);

app.post(
	'/',
	doc('projects', 'Create a project', 'admin', { status: 201 }),
	validate(
		'json',
		z.strictObject({
			name: z.string().trim().min(1).max(200),
			description: z.string().max(5000).optional(),
			settings: settingsSchema.partial().optional()
		})
	),
	async (c) => {
		const user = requireUser(c);
		if (!user.isAdmin) throw Forbidden('Only an admin can create projects');
		const project = await tx(c.var.deps.db, (t) => createProject(t, c.req.valid('json'), user.id));
		return c.json({ project }, 201);
	}
);

app.get('/:pid', doc('projects', 'One project with the caller’s role', 'member'), async (c) => {
	const pid = c.req.param('pid');
	const { role, project } = await requireProjectRow(c, pid, 'project.read');
	return c.json({ project: { ...project, role } });
});

app.get(
	'/:pid/members',
	doc('projects', 'Project members and their roles, by name, paged', 'member'),
	validate('query', pageOnlyQuerySchema),
	async (c) => {
		const pid = c.req.param('pid');
		await requireProject(c, pid, 'project.read');
		return c.json(await projectMembers(c.var.deps.db, pid, c.req.valid('query')));
	}
);

app.put(
	'/:pid/members',
	doc('projects', 'Add a member or change their role (the last lead stays lead: 409)', 'admin'),
	validate('json', z.strictObject({ email: z.string().trim().toLowerCase().email(), role: z.enum(ROLES) })),
	async (c) => {
		const pid = c.req.param('pid');
		const { user } = await requireProject(c, pid, 'project.manage');
		const { email, role } = c.req.valid('json');
		const target = await findUserByEmail(c.var.deps.db, email);
		if (!target) throw NotFound('No user with that email');
		await tx(c.var.deps.db, (t) => setMembership(t, pid, target.id, role, user.id));
		await c.var.deps.events.emit('membership.changed', { projectId: pid, userId: target.id });
		return c.json(await projectMembers(c.var.deps.db, pid, FIRST_PAGE));
	}
);

app.delete(
	'/:pid/members/me',
	doc('projects', 'Leave the project (refused, 409, to its last quality lead)', 'member'),
	async (c) => {
		const pid = c.req.param('pid');
		const { user } = await requireProject(c, pid, 'project.read');
		const left = await tx(c.var.deps.db, (t) => removeMembership(t, pid, user.id, user.id));
		if (!left) throw NotFound('You are not a member of this project');
		await c.var.deps.events.emit('membership.changed', { projectId: pid, userId: user.id });
		await c.var.deps.rooms.recheckUser(user.id);
		return c.json({ ok: true });
	}
);

app.delete('/:pid/members/:uid', doc('projects', 'Remove a member (not the last lead: 409)', 'admin'), async (c) => {
	const { pid, uid } = c.req.param();
	const { user } = await requireProject(c, pid, 'project.manage');
	if (!(await findUser(c.var.deps.db, uid))) throw NotFound('No such user');
	await tx(c.var.deps.db, (t) => removeMembership(t, pid, uid, user.id));
	await c.var.deps.events.emit('membership.changed', { projectId: pid, userId: uid });
	await c.var.deps.rooms.recheckUser(uid);
	return c.json(await projectMembers(c.var.deps.db, pid, FIRST_PAGE));
});

app.get('/:pid/rubrics', doc('projects', 'Latest version of every rubric', 'member'), async (c) => {
	const pid = c.req.param('pid');
	await requireProject(c, pid, 'project.read');
	return c.json({ rubrics: await latestRubrics(c.var.deps.db, pid) });
});

app.post(
	'/:pid/rubrics',
	doc('projects', 'Create a rubric (or a new version of one)', 'lead', { status: 201 }),
	validate(
		'json',
		z.strictObject({
			name: z.string().trim().min(1).max(200),
			familyId: z.string().optional(),
			definition: rubricDefinitionSchema
		})
	),
	async (c) => {
		const pid = c.req.param('pid');
		const { user } = await requireProject(c, pid, 'item.import');
		const { name, familyId, definition } = c.req.valid('json');
		const rubric = await tx(c.var.deps.db, (t) => createRubric(t, pid, name, definition, user.id, familyId));
		return c.json({ rubric }, 201);
	}
);

app.put(
	'/:pid/rubrics/:rid/translations',
	doc(
		'projects',
		"Replace a rubric's translations: adds the next version with the same keys and texts (answers with it)",
		'lead'
	),
	validate('json', z.strictObject({ translations: rubricTranslationsSchema })),
	async (c) => {
		const pid = c.req.param('pid');
		const { user } = await requireProject(c, pid, 'item.import');
		const db = c.var.deps.db;
		const current = await getRubric(db, c.req.param('rid'));
		const family = current && current.projectId === pid ? await rubricFamily(db, current.id) : undefined;
		if (!current || !family) throw NotFound('No such rubric in this project');
		// Translations made against an older version could name keys the newest no longer has: reload first.
		if (!family.newest) throw Conflict('A newer version of this rubric exists; reload and translate that one');
		const { id: _id, projectId: _p, name, version: _v, createdAt: _c, ...definition } = current;
		const checked = rubricDefinitionSchema.safeParse({ ...definition, translations: c.req.valid('json').translations });
		if (!checked.success)
			throw Validation('The translations do not fit this rubric', issueDetails(checked.error.issues));
		const rubric = await tx(db, (t) => createRubric(t, pid, name, checked.data, user.id, family.familyId));
		return c.json({ rubric });
	}
);

export default app;
