// Webhook subscriptions per project (leads): list, create (the signing secret is returned once), delete, and
// the delivery log with each delivery's attempts and last result.
import { Hono } from 'hono';
import type { AppEnv } from '../env';
import { requireProject } from '../access';
import { validate } from '../validate';
import { doc } from '../openapi';
import { NotFound, Validation } from '../../domain/errors';
import { privateTargetReason } from '../../webhooks/outbound';
import { tx } from '../../db/client';
import {
	createWebhook,
	deleteWebhook,
	getWebhook,
	listDeliveries,
	webhookPage,
	toWebhookView
} from '../../db/webhooks';
import { webhookInputSchema } from '#shared/webhooks';
import { pageOnlyQuerySchema } from '#shared/paging';

const app = new Hono<AppEnv>();

app.get(
	'/projects/:pid/webhooks',
	doc('webhooks', 'Webhook subscriptions, oldest first, paged', 'lead'),
	validate('query', pageOnlyQuerySchema),
	async (c) => {
		const pid = c.req.param('pid');
		await requireProject(c, pid, 'webhook.manage');
		const { rows, nextCursor } = await webhookPage(c.var.deps.db, pid, c.req.valid('query'));
		return c.json({ webhooks: rows.map(toWebhookView), nextCursor });
	}
);

app.post(
	'/projects/:pid/webhooks',
	doc('webhooks', 'Subscribe a URL to events (secret shown once)', 'lead', { status: 201 }),
	validate('json', webhookInputSchema),
	async (c) => {
		const pid = c.req.param('pid');
		const { user } = await requireProject(c, pid, 'webhook.manage');
		const { url, events } = c.req.valid('json');
		const blocked = c.var.deps.config.webhooks.allowPrivateNetworks ? null : privateTargetReason(url);
		if (blocked)
			throw Validation('This webhook URL points into a private network', [{ path: 'url', message: blocked }]);
		const row = await tx(c.var.deps.db, (t) => createWebhook(t, pid, url, [...new Set(events)], user.id));
		return c.json({ webhook: { ...toWebhookView(row), secret: row.secret } }, 201);
	}
);

async function loadWebhook(c: Parameters<typeof requireProject>[0], id: string) {
	const hook = await getWebhook(c.var.deps.db, id);
	if (!hook) throw NotFound('No such webhook');
	return { hook, access: await requireProject(c, hook.projectId, 'webhook.manage') };
}

app.delete('/webhooks/:id', doc('webhooks', 'Delete a webhook and its log', 'lead'), async (c) => {
	const { hook, access } = await loadWebhook(c, c.req.param('id'));
	await tx(c.var.deps.db, (t) => deleteWebhook(t, hook, access.user.id));
	return c.json({ ok: true });
});

app.get(
	'/webhooks/:id/deliveries',
	doc('webhooks', 'Delivery log (newest first), paged', 'lead'),
	validate('query', pageOnlyQuerySchema),
	async (c) => {
		const { hook } = await loadWebhook(c, c.req.param('id'));
		const page = await listDeliveries(c.var.deps.db, hook.id, c.req.valid('query'));
		return c.json({ webhook: toWebhookView(hook), ...page });
	}
);

export default app;
