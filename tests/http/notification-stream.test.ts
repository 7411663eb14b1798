// The live notification stream over the real server, read by a real HTTP client: it refuses strangers, sends the
// caller's first page at once, pushes a notification another person caused within moments (naming the item and
// the project), never carries anyone else's notifications, and ends when its session does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../fixtures/server';
import { eventually } from '../fixtures/server';
import { createReviewWorkspace, startReviewServer, type ReviewWorkspace } from '../fixtures/review-workspace';
import { openStream, type Stream } from '../fixtures/notification-stream';

let server: TestServer;
let ws: ReviewWorkspace;
const streams: Stream[] = [];

beforeAll(async () => {
	server = await startReviewServer();
	ws = await createReviewWorkspace(server, { items: 3 });
});
const track = async (opening: Promise<Stream>) => {
	const stream = await opening;
	streams.push(stream);
	return stream;
};
afterAll(async () => {
	for (const s of streams) s.close();
	await server?.close();
});

describe('notification stream', () => {
	it('refuses a caller who is not signed in', async () => {
		const res = await fetch(`${server.url}/api/notifications/stream`);
		expect(res.status).toBe(401);
		await res.body?.cancel();
	});

	it('pushes a notification caused by someone else at once, naming item and project, to its recipient only', async () => {
		const lead = await track(openStream(server.url, ws.people.lead));
		const ben = await track(openStream(server.url, ws.people.ben));
		expect(lead.status).toBe(200);
		expect(lead.contentType).toMatch(/^text\/event-stream/);
		// The current first page arrives as soon as the stream opens.
		await eventually(() => lead.inboxes.length === 1 && ben.inboxes.length === 1, 5000, 'first pages');
		expect(lead.inboxes[0]).toMatchObject({ notifications: [], unread: 0 });

		const opened = await server.api(`/api/items/${ws.itemIds[1]}/escalations`, {
			body: { reason: 'guideline_ambiguous', note: 'Which date counts?' },
			headers: ws.people.ana
		});
		expect(opened.status).toBe(201);
		// Well inside the bell's 30 s poll: only the push can have brought it.
		const pushed = await eventually(() => lead.inboxes[1], 3000, 'the pushed inbox');
		const project = (await server.api(`/api/projects/${ws.pid}`, { headers: ws.people.lead })).body.project;
		expect(pushed.unread).toBe(1);
		expect(pushed.notifications[0]).toMatchObject({
			kind: 'escalation.opened',
			itemName: 'rev-1',
			projectName: project.name,
			data: { reason: 'guideline_ambiguous', itemId: ws.itemIds[1] }
		});
		// Ben's stream carried nothing new: the escalation went to the leads, and a poke carries no one's content.
		expect(ben.inboxes).toHaveLength(1);
		expect(ben.inboxes[0]).toMatchObject({ notifications: [], unread: 0 });
		// The same names come with the inbox the bell polls.
		const polled = await server.api('/api/notifications', { headers: ws.people.lead });
		expect(polled.body.notifications[0]).toMatchObject({ itemName: 'rev-1', projectName: project.name });
	});

	it('ends when the session it was opened with ends', async () => {
		const cookie = await server.login('lead@demo.test');
		const lead = await track(openStream(server.url, cookie));
		await eventually(() => lead.inboxes.length === 1, 5000, 'the first page');
		const out = await server.api('/api/auth/logout', { method: 'POST', headers: cookie });
		expect(out.status).toBeLessThan(300);
		const opened = await server.api(`/api/items/${ws.itemIds[2]}/escalations`, {
			body: { reason: 'guideline_ambiguous', note: 'After sign-out' },
			headers: ws.people.ana
		});
		expect(opened.status).toBe(201);
		await eventually(() => lead.ended, 5000, 'the stream to end');
		expect(lead.inboxes).toHaveLength(1);
	});
});
