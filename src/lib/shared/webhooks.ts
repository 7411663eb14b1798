// Webhook contracts shared by server and browser: the events a project can subscribe to, the request schema,
// and what the API returns. Deliveries are POSTs of `WebhookBody` signed with `X-Concord-Signature`.
import { z } from 'zod';

export const WEBHOOK_EVENTS = [
	'escalation.opened',
	'escalation.resolved',
	'guideline.published',
	'calibration.closed'
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export const webhookInputSchema = z.strictObject({
	url: z.url({ protocol: /^https?$/, error: 'an http:// or https:// URL' }).max(2000),
	events: z.array(z.enum(WEBHOOK_EVENTS)).min(1, 'pick at least one event').max(WEBHOOK_EVENTS.length)
});

/** The JSON body of every delivery. The signature is `sha256=` + hex HMAC-SHA256 of the raw body. */
export interface WebhookBody {
	/** The delivery id (stable across retries: receivers use it to ignore repeats). */
	id: string;
	event: WebhookEvent;
	projectId: string;
	occurredAt: string;
	data: Record<string, unknown>;
}

export interface WebhookView {
	id: string;
	projectId: string;
	url: string;
	events: string[];
	createdAt: number;
	/** Only in the response that created the webhook. */
	secret?: string;
}

export interface WebhookDelivery {
	id: string;
	event: string;
	state: 'pending' | 'delivered' | 'failed';
	attempts: number;
	lastStatus: number | null;
	lastError: string | null;
	nextAttemptAt: number | null;
	createdAt: number;
	deliveredAt: number | null;
}
