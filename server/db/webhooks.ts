// Webhooks and their delivery log. Creation and deletion are audited by the caller's transaction; delivery rows
// move pending → delivered | failed, with attempts, the last HTTP status or error, and when to try again.
import { asc, desc, eq } from 'drizzle-orm';
import type { Db } from './client';
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

export function createWebhook(db: Db, projectId: string, url: string, events: string[], actorId: string): WebhookRow {
	const row = {
		id: newId(),
		projectId,
		url,
		secret: `whsec_${newSecret()}`,
		events,
		createdBy: actorId,
		createdAt: Date.now()
	};
	db.insert(webhooks).values(row).run();
	audit(db, {
		actorId,
		projectId,
		action: 'webhook.create',
		entityType: 'webhook',
		entityId: row.id,
		data: { url, events }
	});
	return row;
}

export function deleteWebhook(db: Db, hook: WebhookRow, actorId: string): void {
	db.delete(webhooks).where(eq(webhooks.id, hook.id)).run();
	audit(db, {
		actorId,
		projectId: hook.projectId,
		action: 'webhook.delete',
		entityType: 'webhook',
		entityId: hook.id,
		data: { url: hook.url }
	});
}

export function getWebhook(db: Db, id: string): WebhookRow | undefined {
	return db.select().from(webhooks).where(eq(webhooks.id, id)).get();
}

export function listWebhooks(db: Db, projectId: string): WebhookRow[] {
	return db.select().from(webhooks).where(eq(webhooks.projectId, projectId)).orderBy(asc(webhooks.createdAt)).all();
}

export function subscribedWebhooks(db: Db, projectId: string, event: string): WebhookRow[] {
	return listWebhooks(db, projectId).filter((w) => w.events.includes(event));
}

export function enqueueDelivery(
	db: Db,
	d: { id: string; webhookId: string; event: string; body: string; now: number }
): void {
	db.insert(webhookDeliveries)
		.values({
			id: d.id,
			webhookId: d.webhookId,
			event: d.event,
			body: d.body,
			state: 'pending',
			attempts: 0,
			nextAttemptAt: d.now,
			createdAt: d.now
		})
		.run();
}

export function getDelivery(db: Db, id: string): DeliveryRow | undefined {
	return db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id)).get();
}

/** Pending deliveries (to resume after a restart), earliest first. */
export function pendingDeliveries(db: Db): DeliveryRow[] {
	return db
		.select()
		.from(webhookDeliveries)
		.where(eq(webhookDeliveries.state, 'pending'))
		.orderBy(asc(webhookDeliveries.nextAttemptAt))
		.all();
}

export interface AttemptOutcome {
	state: DeliveryRow['state'];
	attempts: number;
	lastStatus: number | null;
	lastError: string | null;
	nextAttemptAt: number | null;
	deliveredAt: number | null;
}

export function recordAttempt(db: Db, id: string, outcome: AttemptOutcome): void {
	db.update(webhookDeliveries).set(outcome).where(eq(webhookDeliveries.id, id)).run();
}

/** The newest deliveries first (the body is left out: it can be large, and the receiver has it). */
export function listDeliveries(db: Db, webhookId: string, limit = 100): WebhookDelivery[] {
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
		.limit(limit)
		.all();
}
