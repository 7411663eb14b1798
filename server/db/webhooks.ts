// Webhooks and their delivery log. Creation and deletion are audited by the caller's transaction; delivery rows
// move pending → delivered | failed, with attempts, the last HTTP status or error, and when to try again.
import { asc, desc, eq, sql } from 'drizzle-orm';
import type { Db } from './client';
import { first } from './client';
import { webhookDeliveries, webhooks } from '../../drizzle/schema';
import { newId, newSecret } from '../domain/ids';
import { audit } from './audit';
import type { WebhookDelivery, WebhookView } from '#shared/webhooks';

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
		data: { url, events }
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
		data: { url: hook.url }
	});
}

export function getWebhook(db: Db, id: string): Promise<WebhookRow | undefined> {
	return first(db.select().from(webhooks).where(eq(webhooks.id, id)).limit(1));
}

export function listWebhooks(db: Db, projectId: string): Promise<WebhookRow[]> {
	return db.select().from(webhooks).where(eq(webhooks.projectId, projectId)).orderBy(asc(webhooks.createdAt));
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

/** The newest deliveries first (the body is left out: it can be large, and the receiver has it). */
export function listDeliveries(db: Db, webhookId: string, limit = 100): Promise<WebhookDelivery[]> {
	const d = webhookDeliveries;
	return db
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
		.where(eq(d.webhookId, webhookId))
		.orderBy(desc(d.createdAt), desc(d.id))
		.limit(limit);
}
