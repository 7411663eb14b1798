// Webhooks: CRUD for leads, deliveries to a real local HTTP receiver signed with HMAC-SHA256 of the body,
// retries with backoff until the receiver accepts, failure after the bounded attempts, and the delivery log;
// and, by default, no webhook into the server's own network (loopback, private, link-local addresses).
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../fixtures/server';
import { createWebhook, enqueueDelivery } from '../../server/db/webhooks';
import { WebhookDispatcher } from '../../server/webhooks/dispatcher';
import { isPrivateAddress } from '../../server/webhooks/outbound';
import { createProject, importRaw, jsonl, startExchangeServer, type ExchangeServer } from '../fixtures/exchange';

interface Received {
	path: string;
	headers: IncomingHttpHeaders;
	body: string;
}

/** A receiver on port 0; `plan[path]` lists the statuses to answer in turn (then 200). */
function startReceiver(plan: Record<string, number[]>) {
	const received: Received[] = [];
	const server: Server = createServer((req, res) => {
		let body = '';
		req.on('data', (c) => (body += c));
		req.on('end', () => {
			received.push({ path: req.url ?? '', headers: req.headers, body });
			res.statusCode = plan[req.url ?? '']?.shift() ?? 200;
			res.end('ok');
		});
	});
	return new Promise<{ url: string; received: Received[]; close: () => Promise<void> }>((resolve) => {
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as AddressInfo;
			resolve({ url: `http://127.0.0.1:${port}`, received, close: () => new Promise((r) => server.close(() => r())) });
		});
	});
}

let x: ExchangeServer;
let pid: string;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
	// The receiver runs on this machine, so this server lets webhooks reach loopback (the default does not).
	x = await startExchangeServer({
		webhooks: { maxAttempts: 3, retryBaseMs: 30, timeoutMs: 2000, allowPrivateNetworks: true }
	});
	({ pid } = await createProject(x, 'Webhooks'));
	receiver = await startReceiver({ '/flaky': [500, 503], '/down': [500, 500, 500, 500] });
});
afterAll(async () => {
	await x.server.close();
	await receiver.close();
});

async function createHook(path: string, events: string[]) {
	const res = await x.server.api(`/api/projects/${pid}/webhooks`, {
		headers: x.as.lead,
		body: { url: receiver.url + path, events }
	});
	expect(res.status).toBe(201);
	return res.body.webhook as { id: string; secret: string; events: string[] };
}

const deliveries = async (id: string) =>
	(await x.server.api(`/api/webhooks/${id}/deliveries`, { headers: x.as.lead })).body.deliveries;

describe('webhook subscriptions', () => {
	it('are managed by leads only, and the secret is shown once', async () => {
		const body = { url: receiver.url + '/crud', events: ['guideline.published'] };
		expect((await x.server.api(`/api/projects/${pid}/webhooks`, { headers: x.as.pm, body })).status).toBe(403);
		expect((await x.server.api(`/api/projects/${pid}/webhooks`, { headers: x.as.ana, body })).status).toBe(403);
		const bad = await x.server.api(`/api/projects/${pid}/webhooks`, {
			headers: x.as.lead,
			body: { url: 'ftp://example.com', events: ['nope'] }
		});
		expect(bad.status).toBe(400);
		expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['events.0', 'url']);
		const hook = await createHook('/crud', ['guideline.published']);
		expect(hook.secret).toMatch(/^whsec_/);
		const list = (await x.server.api(`/api/projects/${pid}/webhooks`, { headers: x.as.lead })).body.webhooks;
		expect(list.find((w: { id: string }) => w.id === hook.id)).toEqual({
			id: hook.id,
			projectId: pid,
			url: receiver.url + '/crud',
			events: ['guideline.published'],
			createdAt: expect.any(Number)
		});
		expect(list[0].secret).toBeUndefined();
		expect((await x.server.api(`/api/webhooks/${hook.id}`, { method: 'DELETE', headers: x.as.pm })).status).toBe(403);
		expect((await x.server.api(`/api/webhooks/${hook.id}`, { method: 'DELETE', headers: x.as.lead })).status).toBe(200);
		expect((await x.server.api(`/api/webhooks/${hook.id}/deliveries`, { headers: x.as.lead })).status).toBe(404);
	});
});

describe('deliveries', () => {
	it('posts the event signed with HMAC-SHA256 of the exact body, only to subscribers', async () => {
		const hook = await createHook('/signed', ['escalation.opened']);
		const other = await createHook('/other', ['calibration.closed']);
		await x.server.deps.events.emit('escalation.opened', {
			projectId: pid,
			escalationId: 'esc-1',
			itemId: 'item-1',
			source: 'manual',
			reason: 'guideline_ambiguous',
			openedBy: x.userIds.ana
		});
		const got = (await eventually(() => receiver.received.find((r) => r.path === '/signed'), 5000, 'a delivery'))!;
		const expected = 'sha256=' + createHmac('sha256', hook.secret).update(got.body).digest('hex');
		expect(got.headers['x-concord-signature']).toBe(expected);
		expect(got.headers['x-concord-event']).toBe('escalation.opened');
		expect(got.headers['content-type']).toBe('application/json');
		const body = JSON.parse(got.body);
		expect(body).toMatchObject({
			event: 'escalation.opened',
			projectId: pid,
			data: { escalationId: 'esc-1', itemId: 'item-1', reason: 'guideline_ambiguous' }
		});
		expect(got.headers['x-concord-delivery']).toBe(body.id);
		const log = await eventually(
			async () => (await deliveries(hook.id)).find((d: { state: string }) => d.state === 'delivered'),
			5000,
			'delivered state'
		);
		expect(log).toMatchObject({
			id: body.id,
			event: 'escalation.opened',
			attempts: 1,
			lastStatus: 200,
			lastError: null
		});
		expect(await deliveries(other.id)).toEqual([]);
		expect(receiver.received.some((r) => r.path === '/other')).toBe(false);
	});

	it('retries with backoff until the receiver accepts, keeping the same body and delivery id', async () => {
		const hook = await createHook('/flaky', ['guideline.published']);
		await x.server.deps.events.emit('guideline.published', {
			projectId: pid,
			guidelineId: 'g-1',
			versionId: 'v-2',
			number: 2,
			changelog: 'Dates',
			publishedBy: x.userIds.lead
		});
		const log = await eventually(
			async () => (await deliveries(hook.id)).find((d: { state: string }) => d.state === 'delivered'),
			5000,
			'delivery after retries'
		);
		expect(log).toMatchObject({ attempts: 3, lastStatus: 200 });
		const tries = receiver.received.filter((r) => r.path === '/flaky');
		expect(tries).toHaveLength(3);
		expect(new Set(tries.map((t) => t.body)).size).toBe(1);
		expect(new Set(tries.map((t) => t.headers['x-concord-delivery'])).size).toBe(1);
		for (const t of tries)
			expect(t.headers['x-concord-signature']).toBe(
				'sha256=' + createHmac('sha256', hook.secret).update(t.body).digest('hex')
			);
	});

	it('gives up after the bounded attempts and records the failure', async () => {
		const hook = await createHook('/down', ['calibration.closed']);
		await x.server.deps.events.emit('calibration.closed', {
			projectId: pid,
			calibrationId: 'cal-1',
			closedBy: x.userIds.lead
		});
		const log = await eventually(
			async () => (await deliveries(hook.id)).find((d: { state: string }) => d.state === 'failed'),
			5000,
			'failed state'
		);
		expect(log).toMatchObject({ attempts: 3, lastStatus: 500, lastError: 'HTTP 500', nextAttemptAt: null });
		expect(receiver.received.filter((r) => r.path === '/down')).toHaveLength(3);
	});

	it('records network errors as failed attempts', async () => {
		const closed = await startReceiver({});
		const url = closed.url + '/gone';
		await closed.close();
		const res = await x.server.api(`/api/projects/${pid}/webhooks`, {
			headers: x.as.lead,
			body: { url, events: ['escalation.resolved'] }
		});
		await x.server.deps.events.emit('escalation.resolved', {
			projectId: pid,
			escalationId: 'esc-2',
			itemId: 'item-2',
			state: 'resolved',
			reasonCode: 'policy',
			decidedBy: x.userIds.lead
		});
		const log = await eventually(
			async () => (await deliveries(res.body.webhook.id)).find((d: { state: string }) => d.state === 'failed'),
			5000,
			'failed state'
		);
		expect(log.lastStatus).toBeNull();
		expect(log.lastError).toContain('ECONNREFUSED');
	});

	it('is triggered by the escalation routes: opening, then the verdict', async () => {
		const { pid: p, rubricId } = await createProject(x, 'Webhooks via the API');
		const res = await x.server.api(`/api/projects/${p}/webhooks`, {
			headers: x.as.lead,
			body: { url: receiver.url + '/api', events: ['escalation.opened', 'escalation.resolved'] }
		});
		const secret = res.body.webhook.secret as string;
		await importRaw(x, p, jsonl([{ externalId: 'w-1', modality: 'text', payload: { prompt: 'p', response: 'r' } }]));
		const itemId = (await x.server.api(`/api/projects/${p}/items`, { headers: x.as.lead })).body.items[0].id;
		const opened = await x.server.api(`/api/items/${itemId}/escalations`, {
			headers: x.as.ana,
			body: { reason: 'guideline_ambiguous', note: 'Unclear' }
		});
		expect(opened.status).toBe(201);
		const escalationId = opened.body.escalation.id;
		await x.server.api(`/api/escalations/${escalationId}/claim`, { headers: x.as.lead, method: 'POST' });
		const scores = { correctness: 4, safe: true, tone: 'neutral' };
		expect(
			(
				await x.server.api(`/api/escalations/${escalationId}/verdict`, {
					headers: x.as.lead,
					body: { rubricId, scores, reasonCode: 'guideline_unclear', note: 'Clarified' }
				})
			).status
		).toBe(200);
		await eventually(() => receiver.received.filter((r) => r.path === '/api').length === 2, 5000, 'two deliveries');
		const got = receiver.received.filter((r) => r.path === '/api');
		const bodies = got.map((r) => JSON.parse(r.body)).sort((a, b) => a.event.localeCompare(b.event));
		expect(bodies[0]).toMatchObject({
			event: 'escalation.opened',
			projectId: p,
			data: { escalationId, itemId, source: 'manual', openedBy: x.userIds.ana }
		});
		expect(bodies[1]).toMatchObject({
			event: 'escalation.resolved',
			projectId: p,
			data: { escalationId, state: 'resolved', reasonCode: 'guideline_unclear', decidedBy: x.userIds.lead }
		});
		for (const r of got)
			expect(r.headers['x-concord-signature']).toBe(
				'sha256=' + createHmac('sha256', secret).update(r.body).digest('hex')
			);
	});

	it('sends a pending delivery once when several nodes pick it up at the same moment', async () => {
		const hook = await createHook('/once', ['guideline.published']);
		const id = `once-${Date.now()}`;
		await enqueueDelivery(x.server.deps.db, {
			id,
			webhookId: hook.id,
			event: 'guideline.published',
			body: JSON.stringify({ id, event: 'guideline.published' }),
			now: Date.now()
		});
		// Three dispatchers on one record stand for three nodes resuming pending deliveries together.
		const nodes = [1, 2, 3].map(() => new WebhookDispatcher(x.server.deps));
		try {
			await Promise.all(nodes.map((n) => n.resume()));
			await eventually(async () => (await deliveries(hook.id))[0]?.state === 'delivered', 5000, 'delivered');
			await new Promise((r) => setTimeout(r, 300));
			expect(receiver.received.filter((r) => r.path === '/once')).toHaveLength(1);
			expect((await deliveries(hook.id))[0]).toMatchObject({ state: 'delivered', attempts: 1 });
		} finally {
			for (const n of nodes) n.stop();
		}
	});
});

describe('private networks (the default)', () => {
	let guarded: ExchangeServer;
	let gpid: string;
	beforeAll(async () => {
		guarded = await startExchangeServer({
			webhooks: { maxAttempts: 1, retryBaseMs: 30, timeoutMs: 2000, allowPrivateNetworks: false }
		});
		({ pid: gpid } = await createProject(guarded, 'Guarded'));
	});
	afterAll(() => guarded.server.close());

	it('refuses webhook URLs on loopback, private and link-local addresses with a clear error', async () => {
		const port = new URL(receiver.url).port;
		for (const url of [
			`http://127.0.0.1:${port}/x`,
			'http://localhost/x',
			'http://LOCALHOST./x',
			'http://[::1]/x',
			'http://169.254.169.254/latest/meta-data',
			'http://10.1.2.3/x',
			'http://192.168.0.10/x',
			'http://[::ffff:127.0.0.1]/x'
		]) {
			const res = await guarded.server.api(`/api/projects/${gpid}/webhooks`, {
				headers: guarded.as.lead,
				body: { url, events: ['calibration.closed'] }
			});
			expect(res.status, url).toBe(400);
			expect(res.body.error.details[0].path).toBe('url');
		}
		const ok = await guarded.server.api(`/api/projects/${gpid}/webhooks`, {
			headers: guarded.as.lead,
			body: { url: 'https://hooks.example.com/concord', events: ['calibration.closed'] }
		});
		expect(ok.status).toBe(201);
	});

	it('checks the address it connects to at delivery, so a name that resolves privately reaches nothing', async () => {
		// As if a public name had been re-pointed at this host after the webhook was created.
		const hook = await createWebhook(
			guarded.server.deps.db,
			gpid,
			`http://localhost:${new URL(receiver.url).port}/rebound`,
			['calibration.closed'],
			guarded.userIds.lead
		);
		await guarded.server.deps.events.emit('calibration.closed', {
			projectId: gpid,
			calibrationId: 'cal-9',
			closedBy: guarded.userIds.lead
		});
		const log = await eventually(
			async () =>
				(
					await guarded.server.api(`/api/webhooks/${hook.id}/deliveries`, { headers: guarded.as.lead })
				).body.deliveries.find((d: { state: string }) => d.state === 'failed'),
			5000,
			'failed delivery'
		);
		expect(log.lastError).toMatch(/private address/);
		expect(receiver.received.filter((r) => r.path === '/rebound')).toEqual([]);
	});

	it('knows which addresses are private', () => {
		for (const a of [
			'127.0.0.1',
			'10.0.0.1',
			'172.31.255.255',
			'192.168.1.1',
			'169.254.169.254',
			'100.64.0.1',
			'0.0.0.0',
			'::1',
			'::',
			'fd12::1',
			'fe80::1',
			'::ffff:10.0.0.1'
		])
			expect(isPrivateAddress(a), a).toBe(true);
		for (const a of ['8.8.8.8', '172.32.0.1', '93.184.216.34', '2606:4700::1111', '::ffff:8.8.8.8'])
			expect(isPrivateAddress(a), a).toBe(false);
	});
});
