// Webhook delivery. An event becomes one delivery row per subscribed webhook, written while the event is emitted
// (the emitter awaits it, so the rows exist before its request answers); attempts then run in the background:
// POST the exact stored body with `X-Concord-Signature: sha256=<HMAC-SHA256(secret, body)>`, a 2xx answer
// delivers it, anything else (status, network error, timeout, redirect, a private target: see outbound.ts)
// retries after retryBaseMs × 2^n until maxAttempts, then the delivery is marked failed. Pending deliveries
// resume after a restart. With several nodes on one database, each try of a delivery is claimed first (a
// conditional update that leases it), so only one node makes it. Once the database is closing, no attempt starts
// or records anything. Nothing here ever throws into the emitter; failures are logged and recorded in the
// delivery log.
import { createHmac } from 'node:crypto';
import { and, eq, isNull, lte, or } from 'drizzle-orm';
import { postOnce } from './outbound';
import type { AppDeps } from '../deps';
import { newId } from '../domain/ids';
import {
	enqueueDelivery,
	getDelivery,
	getWebhook,
	pendingDeliveries,
	recordAttempt,
	subscribedWebhooks,
	type DeliveryRow
} from '../db/webhooks';
import { webhookDeliveries } from '../../drizzle/schema';
import type { WebhookBody, WebhookEvent } from '#shared/webhooks';

/** A timer may fire a little before the due time another node's clock wrote. */
const CLOCK_SLACK_MS = 1_000;
/** How long past the request timeout a claimed try stays leased to its node (it records the outcome within it). */
const LEASE_MARGIN_MS = 10_000;

function signature(secret: string, body: string): string {
	return 'sha256=' + createHmac('sha256', secret).update(body).digest('hex');
}

type Deps = Pick<AppDeps, 'db' | 'database' | 'config' | 'logger'>;

export class WebhookDispatcher {
	/** One timer per delivery this node means to try. */
	#timers = new Map<string, NodeJS.Timeout>();
	#inFlight = new Set<string>();

	constructor(private readonly deps: Deps) {}

	/** Records one delivery per webhook subscribed to the event, and schedules the first attempts. */
	async enqueue(event: WebhookEvent, projectId: string, data: Record<string, unknown>): Promise<void> {
		const now = Date.now();
		for (const hook of await subscribedWebhooks(this.deps.db, projectId, event)) {
			const id = newId();
			const body: WebhookBody = { id, event, projectId, occurredAt: new Date(now).toISOString(), data };
			await enqueueDelivery(this.deps.db, { id, webhookId: hook.id, event, body: JSON.stringify(body), now });
			this.#schedule(id, 0);
		}
	}

	/**
	 * Picks up pending deliveries: those a previous run left, and (called periodically) those another node
	 * scheduled and never tried because it died. Each try is still claimed, so a live node's try is not repeated.
	 */
	async resume(): Promise<void> {
		const now = Date.now();
		for (const d of await pendingDeliveries(this.deps.db))
			this.#schedule(d.id, Math.max(0, (d.nextAttemptAt ?? now) - now));
	}

	stop(): void {
		for (const t of this.#timers.values()) clearTimeout(t);
		this.#timers.clear();
	}

	#schedule(id: string, delayMs: number): void {
		if (this.#timers.has(id)) return;
		const timer = setTimeout(() => {
			this.#timers.delete(id);
			void this.#attempt(id);
		}, delayMs);
		timer.unref();
		this.#timers.set(id, timer);
	}

	async #attempt(id: string): Promise<void> {
		if (this.deps.database.closed || this.#inFlight.has(id)) return;
		this.#inFlight.add(id);
		try {
			const delivery = await getDelivery(this.deps.db, id);
			const hook = delivery && (await getWebhook(this.deps.db, delivery.webhookId));
			if (!delivery || !hook || delivery.state !== 'pending') return;
			if (!(await this.#claim(delivery))) return;
			const { status, error } = await this.#post(hook.url, hook.secret, delivery);
			if (this.deps.database.closed) return;
			await this.#record(delivery, status, error);
		} catch (err) {
			if (!this.deps.database.closed)
				this.deps.logger.error({ err, deliveryId: id }, 'webhook delivery bookkeeping failed');
		} finally {
			this.#inFlight.delete(id);
		}
	}

	/**
	 * Leases this try of the delivery to this node: only while it is still pending, at the same attempt count and
	 * due (not leased by another node, not scheduled later). Of nodes racing for one try, exactly one gets it.
	 */
	async #claim(d: DeliveryRow): Promise<boolean> {
		const now = Date.now();
		const t = webhookDeliveries;
		const claimed = await this.deps.db
			.update(t)
			.set({ nextAttemptAt: now + this.deps.config.webhooks.timeoutMs + LEASE_MARGIN_MS })
			.where(
				and(
					eq(t.id, d.id),
					eq(t.state, 'pending'),
					eq(t.attempts, d.attempts),
					or(isNull(t.nextAttemptAt), lte(t.nextAttemptAt, now + CLOCK_SLACK_MS))
				)
			)
			.returning({ id: t.id });
		return claimed.length > 0;
	}

	async #post(url: string, secret: string, d: DeliveryRow): Promise<{ status: number | null; error: string | null }> {
		const { timeoutMs, allowPrivateNetworks } = this.deps.config.webhooks;
		const headers = {
			'content-type': 'application/json',
			'user-agent': 'Concord-Webhooks/1',
			'x-concord-event': d.event,
			'x-concord-delivery': d.id,
			'x-concord-signature': signature(secret, d.body)
		};
		try {
			const { status } = await postOnce(url, headers, d.body, { timeoutMs, allowPrivate: allowPrivateNetworks });
			return { status, error: status >= 200 && status < 300 ? null : `HTTP ${status}` };
		} catch (err) {
			const code = (err as { code?: string }).code;
			return {
				status: null,
				error:
					err instanceof Error
						? `${err.message}${code && !err.message.includes(code) ? ` (${code})` : ''}`
						: String(err)
			};
		}
	}

	async #record(d: DeliveryRow, status: number | null, error: string | null): Promise<void> {
		const { maxAttempts, retryBaseMs } = this.deps.config.webhooks;
		const attempts = d.attempts + 1;
		const now = Date.now();
		if (error === null) {
			await recordAttempt(this.deps.db, d.id, {
				state: 'delivered',
				attempts,
				lastStatus: status,
				lastError: null,
				nextAttemptAt: null,
				deliveredAt: now
			});
			return;
		}
		const retry = attempts < maxAttempts;
		const delay = retryBaseMs * 2 ** (attempts - 1);
		await recordAttempt(this.deps.db, d.id, {
			state: retry ? 'pending' : 'failed',
			attempts,
			lastStatus: status,
			lastError: error,
			nextAttemptAt: retry ? now + delay : null,
			deliveredAt: null
		});
		if (retry) this.#schedule(d.id, delay);
		else
			this.deps.logger.warn(
				{ deliveryId: d.id, webhookId: d.webhookId, attempts, error },
				'webhook delivery failed for good'
			);
	}
}
