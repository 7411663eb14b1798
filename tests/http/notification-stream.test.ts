// The live notification stream over the real server, read by a real HTTP client: it refuses strangers, sends the
// caller's first page at once, pushes a notification another person caused within moments (naming the item and
// the project), and never carries anyone else's notifications.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../fixtures/server';
import { eventually } from '../fixtures/server';
import { createReviewWorkspace, startReviewServer, type ReviewWorkspace } from '../fixtures/review-workspace';
import type { NotificationView } from '#shared/api-types';

interface Inbox {
	notifications: NotificationView[];
	unread: number;
}

interface Stream {
	status: number;
	contentType: string | null;
	inboxes: Inbox[];
	close(): void;
}

let server: TestServer;
let ws: ReviewWorkspace;
const streams: Stream[] = [];

beforeAll(async () => {
	server = await startReviewServer();
	ws = await createReviewWorkspace(server, { items: 3 });
});
afterAll(async () => {
	for (const s of streams) s.close();
	await server?.close();
});

/** Opens the stream as `headers` and collects its `inbox` events as they arrive. */
async function openStream(headers: Record<string, string>): Promise<Stream> {
	const controller = new AbortController();
	const res = await fetch(`${server.url}/api/notifications/stream`, { headers, signal: controller.signal });
	const stream: Stream = {
		status: res.status,
		contentType: res.headers.get('content-type'),
		inboxes: [],
		close: () => controller.abort()
	};
	streams.push(stream);
	if (res.status !== 200 || !res.body) return stream;
	const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
	void (async () => {
		let buffer = '';
		try {
			for (;;) {
				const { value, done } = await reader.read();
				if (done) return;
				buffer += value;
				for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
					const lines = buffer.slice(0, end).split('\n');
					buffer = buffer.slice(end + 2);
					if (!lines.includes('event: inbox')) continue;
					const data = lines.filter((l) => l.startsWith('data: ')).map((l) => l.slice(6));
					stream.inboxes.push(JSON.parse(data.join('\n')) as Inbox);
				}
			}
		} catch {
			// aborted by close()
		}
	})();
	return stream;
}

describe('notification stream', () => {
	it('refuses a caller who is not signed in', async () => {
		const res = await fetch(`${server.url}/api/notifications/stream`);
		expect(res.status).toBe(401);
		await res.body?.cancel();
	});

	it('pushes a notification caused by someone else at once, naming item and project, to its recipient only', async () => {
		const lead = await openStream(ws.people.lead);
		const ben = await openStream(ws.people.ben);
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
});
