// Webhooks and their delivery log. Creation and deletion are audited by the caller's transaction; delivery rows
// move pending → delivered | failed, with attempts, the last HTTP status or error, and when to try again.
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from './client';
import { first } from './client';
import { webhookDeliveries, webhooks } from '../../drizzle/schema';
import { newId, newSecret } from '../domain/ids';
import { audit } from './audit';
import { redactedUrl } from '../domain/audit-data';
import type { WebhookDelivery, WebhookView } from '#shared/webhooks';
import type { PageRequest } from '#shared/paging';
import { keysetPage, ordered } from './paging';

type WebhookRow = typeof webhooks.$inferSelect;
export type DeliveryRow = typeof webhookDeliveries.$inferSelect;

export const toWebhookView = (w: WebhookRow): WebhookView => ({
	id: w.id,
	projectId: w.projectId,
	url: w.url,
	events: w.events,
	createdAt: w.createdAt
});

export async function createWebhook(
	db: Db,
	projectId: string,
	url: string,
	events: string[],
	actorId: string
): Promise<WebhookRow> {
	const row = {
		id: newId(),
		projectId,
		url,
		secret: `whsec_${newSecret()}`,
		events,
		createdBy: actorId,
		createdAt: Date.now()
	};
	await db.insert(webhooks).values(row);
	await audit(db, {
		actorId,
		projectId,
		action: 'webhook.create',
		entityType: 'webhook',
		entityId: row.id,
		data: { url: redactedUrl(url), events }
	});
	return row;
}

export async function deleteWebhook(db: Db, hook: WebhookRow, actorId: string): Promise<void> {
	await db.delete(webhooks).where(eq(webhooks.id, hook.id));
	await audit(db, {
		actorId,
		projectId: hook.projectId,
		action: 'webhook.delete',
		entityType: 'webhook',
		entityId: hook.id,
		data: { url: redactedUrl(hook.url) }
	});
}

export function getWebhook(db: Db, id: string): Promise<WebhookRow | undefined> {
	return first(db.select().from(webhooks).where(eq(webhooks.id, id)).limit(1));
}

function listWebhooks(db: Db, projectId: string): Promise<WebhookRow[]> {
	return db.select().from(webhooks).where(eq(webhooks.projectId, projectId)).orderBy(asc(webhooks.createdAt));
}

const webhooksOldestFirst = ordered<WebhookRow>(
	'webhooks',
	'asc',
	{ expr: webhooks.createdAt, type: 'number', of: (w) => w.createdAt },
	{ expr: webhooks.id, type: 'text', of: (w) => w.id }
);

/** One page of the project's webhooks, oldest first. */
export async function webhookPage(
	db: Db,
	projectId: string,
	page: PageRequest
): Promise<{ rows: WebhookRow[]; nextCursor: string | null }> {
	const keyset = keysetPage(db, webhooksOldestFirst, page);
	const found = await db
		.select()
		.from(webhooks)
		.where(and(eq(webhooks.projectId, projectId), keyset.after))
		.orderBy(...keyset.orderBy)
		.limit(keyset.limit);
	return keyset.finish(found);
}

export async function subscribedWebhooks(db: Db, projectId: string, event: string): Promise<WebhookRow[]> {
	return (await listWebhooks(db, projectId)).filter((w) => w.events.includes(event));
}

export async function enqueueDelivery(
	db: Db,
	d: { id: string; webhookId: string; event: string; body: string; now: number }
): Promise<void> {
	await db.insert(webhookDeliveries).values({
		id: d.id,
		webhookId: d.webhookId,
		event: d.event,
		body: d.body,
		state: 'pending',
		attempts: 0,
		nextAttemptAt: d.now,
		createdAt: d.now
	});
}

export function getDelivery(db: Db, id: string): Promise<DeliveryRow | undefined> {
	return first(db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id)).limit(1));
}

/** Pending deliveries (to resume after a restart), earliest first (one without a time first, as SQLite orders). */
export function pendingDeliveries(db: Db): Promise<DeliveryRow[]> {
	return db
		.select()
		.from(webhookDeliveries)
		.where(eq(webhookDeliveries.state, 'pending'))
		.orderBy(sql`${webhookDeliveries.nextAttemptAt} asc nulls first`);
}

export interface AttemptOutcome {
	state: DeliveryRow['state'];
	attempts: number;
	lastStatus: number | null;
	lastError: string | null;
	nextAttemptAt: number | null;
	deliveredAt: number | null;
}

export async function recordAttempt(db: Db, id: string, outcome: AttemptOutcome): Promise<void> {
	await db.update(webhookDeliveries).set(outcome).where(eq(webhookDeliveries.id, id));
}

const deliveriesNewestFirst = ordered<WebhookDelivery>(
	'webhook-deliveries',
	'desc',
	{ expr: webhookDeliveries.createdAt, type: 'number', of: (d) => d.createdAt },
	{ expr: webhookDeliveries.id, type: 'text', of: (d) => d.id }
);

/** One page of a webhook's deliveries, newest first (the body is left out: it can be large, and the receiver has it). */
export async function listDeliveries(
	db: Db,
	webhookId: string,
	page: PageRequest
): Promise<{ deliveries: WebhookDelivery[]; nextCursor: string | null }> {
	const d = webhookDeliveries;
	const keyset = keysetPage(db, deliveriesNewestFirst, page);
	const found = await db
		.select({
			id: d.id,
			event: d.event,
			state: d.state,
			attempts: d.attempts,
			lastStatus: d.lastStatus,
			lastError: d.lastError,
			nextAttemptAt: d.nextAttemptAt,
			createdAt: d.createdAt,
			deliveredAt: d.deliveredAt
		})
		.from(d)
		.where(and(eq(d.webhookId, webhookId), keyset.after))
		.orderBy(...keyset.orderBy)
		.limit(keyset.limit);
	const { rows, nextCursor } = keyset.finish(found);
	return { deliveries: rows, nextCursor };
}
