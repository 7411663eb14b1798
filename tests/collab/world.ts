// A small, explicit world for collaboration tests, written straight into the database: two projects, people in
// every role, items an evaluator evaluated / escalated, a guideline and a calibration session. Independent of the
// demo seed, so room rules are tested against facts the test itself states.
import type { Db } from '../../server/db/client';
import { createApiToken, createSession } from '../../server/db/users';
import { createProject, setMembership } from '../../server/db/projects';
import { openEscalation } from '../../server/db/escalations';
import { SESSION_COOKIE } from '../../server/domain/credentials';
import { newId } from '../../server/domain/ids';
import {
	calibrationParticipants,
	calibrations,
	escalations,
	evaluations,
	guidelines,
	items,
	rubrics,
	users
} from '../../drizzle/schema';
import type { Role } from '#shared/roles';

const PEOPLE = ['lead', 'pm', 'ana', 'ben', 'chen', 'outsider'] as const;
export type Person = (typeof PEOPLE)[number];

const ROLE: Record<Person, Role | null> = {
	lead: 'lead',
	pm: 'manager',
	ana: 'evaluator',
	ben: 'evaluator',
	chen: 'evaluator',
	outsider: null
};

export interface World {
	projectId: string;
	otherProjectId: string;
	userId: Record<Person, string>;
	/** Display names ("Ana"): what the server requires on comments, highlights and proposals. */
	name: Record<Person, string>;
	token: Record<Person, string>;
	cookie: Record<Person, string>;
	/** ana evaluated it. */
	evaluatedItem: string;
	/** ben escalated it. */
	escalatedItem: string;
	/** nobody is involved. */
	plainItem: string;
	/** an item of the other project (outsider is its lead). */
	otherItem: string;
	guidelineId: string;
	/** calibration with ana and ben as participants. */
	sessionId: string;
}

export async function seedWorld(db: Db): Promise<World> {
	const now = Date.now();
	const userId = {} as Record<Person, string>;
	const name = {} as Record<Person, string>;
	for (const p of PEOPLE) {
		userId[p] = newId();
		name[p] = p[0].toUpperCase() + p.slice(1);
		await db
			.insert(users)
			.values({ id: userId[p], email: `${p}@collab.test`, name: name[p], passwordHash: 'unused', createdAt: now });
	}
	const project = await createProject(db, { name: 'Collab project' }, userId.lead);
	const other = await createProject(db, { name: 'Other project' }, userId.outsider);
	for (const p of PEOPLE) if (ROLE[p]) await setMembership(db, project.id, userId[p], ROLE[p], null);
	await setMembership(db, other.id, userId.outsider, 'lead', null);

	const rubricId = newId();
	await db.insert(rubrics).values({
		id: rubricId,
		projectId: project.id,
		familyId: rubricId,
		name: 'R',
		version: 1,
		definition: {} as never,
		createdAt: now
	});
	const item = async (projectId: string) => {
		const id = newId();
		await db.insert(items).values({
			id,
			projectId,
			modality: 'text',
			payload: { prompt: 'p', response: 'r' },
			metadata: {},
			createdAt: now
		});
		return id;
	};
	const evaluatedItem = await item(project.id);
	const escalatedItem = await item(project.id);
	const plainItem = await item(project.id);
	const otherItem = await item(other.id);
	await insertSubmitted(db, { projectId: project.id, itemId: evaluatedItem, evaluatorId: userId.ana, rubricId });
	await db.insert(escalations).values({
		id: newId(),
		projectId: project.id,
		itemId: escalatedItem,
		source: 'manual',
		openedBy: userId.ben,
		reason: 'unclear',
		state: 'open',
		createdAt: now
	});
	const guidelineId = newId();
	await db.insert(guidelines).values({ id: guidelineId, projectId: project.id, title: 'Guide', createdAt: now });
	const sessionId = newId();
	await db.insert(calibrations).values({
		id: sessionId,
		projectId: project.id,
		title: 'Cal',
		rubricId,
		phase: 'scoring',
		createdBy: userId.lead,
		createdAt: now
	});
	for (const p of ['ana', 'ben'] as const)
		await db.insert(calibrationParticipants).values({ calibrationId: sessionId, userId: userId[p] });

	const token = {} as Record<Person, string>;
	const cookie = {} as Record<Person, string>;
	for (const p of PEOPLE) {
		token[p] = (await createApiToken(db, userId[p], 'tests')).token;
		cookie[p] = `${SESSION_COOKIE}=${await createSession(db, userId[p], 3600_000)}`;
	}
	return {
		projectId: project.id,
		otherProjectId: other.id,
		userId,
		name,
		token,
		cookie,
		evaluatedItem,
		escalatedItem,
		plainItem,
		otherItem,
		guidelineId,
		sessionId
	};
}

/** A second lead of the world's project with an API token, for races between two leads. */
export async function addSecondLead(db: Db, world: World, email: string): Promise<{ id: string; token: string }> {
	const id = newId();
	await db.insert(users).values({ id, email, name: 'Second lead', passwordHash: 'unused', createdAt: Date.now() });
	await setMembership(db, world.projectId, id, 'lead', null);
	return { id, token: (await createApiToken(db, id, 'second lead')).token };
}

/** An admin of Concord (a member of no project) with an API token. */
export async function addAdmin(db: Db, email: string): Promise<{ id: string; token: string }> {
	const id = newId();
	await db
		.insert(users)
		.values({ id, email, name: 'Admin', passwordHash: 'unused', isAdmin: true, createdAt: Date.now() });
	return { id, token: (await createApiToken(db, id, 'admin')).token };
}

/** `count` new text items of the world's project, each with an open manual escalation by Ana; the escalation ids. */
export async function openEscalations(db: Db, world: World, count: number): Promise<string[]> {
	const ids: string[] = [];
	for (let i = 0; i < count; i++) {
		const itemId = newId();
		await db.insert(items).values({
			id: itemId,
			projectId: world.projectId,
			modality: 'text',
			payload: { prompt: `p${i}`, response: 'r' },
			metadata: {},
			createdAt: Date.now()
		});
		const escalation = await openEscalation(db, {
			projectId: world.projectId,
			itemId,
			source: 'manual',
			openedBy: world.userId.ana,
			reason: 'policy_safety',
			note: `race ${i}`,
			dimension: null
		});
		ids.push(escalation.id);
	}
	return ids;
}

/** A submitted evaluation with empty scores, written straight to the record (what the blind rule turns on). */
export async function insertSubmitted(
	db: Db,
	v: { projectId: string; itemId: string; evaluatorId: string; rubricId: string }
): Promise<void> {
	const now = Date.now();
	await db.insert(evaluations).values({
		id: newId(),
		...v,
		rubricVersion: 1,
		scores: {},
		flags: [],
		tags: [],
		spans: [],
		sources: [],
		state: 'submitted',
		createdAt: now,
		updatedAt: now
	});
}
