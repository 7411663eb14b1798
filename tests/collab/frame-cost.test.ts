// Issue 14: one frame must not hurt anyone else. Each hostile frame (within the 8 MiB frame limit) goes from a raw
// socket to the real server running in this process and must be refused with the right close code within 50 ms
// of event-loop time and 50 MB of memory, store nothing, and leave the room's other clients connected and served;
// a long guideline pasted in one update is still accepted.
// Event-loop time: a 1 ms probe timer in this (the server's) process records the largest gap between two ticks
// while the frame is handled. The reference, measured just before in the same attempt, is the same bytes sent the
// same way to a bare `ws` server in this process that closes on the first message: the library's own cost of
// reading 8 MiB (20-50 ms on an idle 2-core machine, more under load) plus the machine's noise. Concord may add at
// most 50 ms to it. A loaded machine can stall any process for a moment, a blocking handler stalls every attempt:
// a frame passes when one of three attempts is within the bound. The sending socket uses an all-zero mask, so the
// client side of this process does not spend time masking 8 MiB.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { sql } from 'drizzle-orm';
import { updateYFragment, yXmlFragmentToProsemirrorJSON } from '@tiptap/y-tiptap';
import { roomName } from '#shared/rooms';
import { guidelineSchema } from '#shared/guideline-schema';
import { markdownToDoc, type PmNode } from '#shared/markdown-doc';
import { docToMarkdown } from '#shared/doc-markdown';
import {
	authHeaders,
	connect,
	eventually,
	removeDataDir,
	startCollabServer,
	within,
	WebSocketServer,
	WS,
	type BareWsServer,
	type Client,
	type CollabServer
} from './fixture';
import * as hostile from './hostile-frames';
import { row } from '../../server/db/client';

const MB = 1024 * 1024;
const LAG_BOUND_MS = 50;
const MEMORY_BOUND_MB = 50;

let server: CollabServer;
let bare: BareWsServer;
let room: string;
let writer: Client;
let observer: Client;

beforeAll(async () => {
	bare = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: 16 * MB });
	bare.on('connection', (socket) => socket.once('message', () => socket.close(4000)));
	await new Promise<void>((resolve) => bare.once('listening', resolve));
	server = await startCollabServer();
	room = roomName('guideline', server.world.guidelineId);
	writer = connect(server, room, 'lead');
	observer = connect(server, room, 'ben');
	await within(Promise.all([writer.synced, observer.synced]));
});

afterAll(async () => {
	writer.destroy();
	observer.destroy();
	await server.close();
	removeDataDir(server);
	await new Promise<void>((resolve) => bare.close(resolve));
});

interface Cost {
	lagMs: number;
	heapMB: number;
	rssMB: number;
}

/** Samples the event loop every millisecond: the largest gap between ticks, the peak heap and RSS growth. */
function probe(): { stop(): Cost } {
	const start = process.memoryUsage();
	let last = performance.now();
	let lagMs = 0;
	let heap = start.heapUsed;
	let rss = start.rss;
	const sample = () => {
		const now = performance.now();
		lagMs = Math.max(lagMs, now - last);
		last = now;
		const m = process.memoryUsage();
		heap = Math.max(heap, m.heapUsed);
		rss = Math.max(rss, m.rss);
	};
	const timer = setInterval(sample, 1);
	return {
		stop() {
			sample();
			clearInterval(timer);
			return { lagMs, heapMB: (heap - start.heapUsed) / MB, rssMB: (rss - start.rss) / MB };
		}
	};
}

/** An all-zero-mask socket to `url`, open (and greeted when `greeted`), and the promise of its close. */
async function zeroMaskSocket(url: string, headers: Record<string, string>, greeted: boolean) {
	const ws = new WS(url, [], { headers, generateMask: (mask: Buffer) => mask.fill(0) } as never);
	const closed = new Promise<{ code: number; reason: string }>((resolve) =>
		ws.once('close', (code: number, reason: Buffer) => resolve({ code, reason: reason.toString() }))
	);
	await within(new Promise((resolve) => ws.once(greeted ? 'message' : 'open', resolve)), 5000, 'the socket to open');
	return { ws, closed };
}

/** The probe while `frame` goes over `socket` and the other side closes it. */
async function costOfSending(socket: Awaited<ReturnType<typeof zeroMaskSocket>>, frame: Uint8Array) {
	const p = probe();
	socket.ws.send(frame);
	const closed = await within(socket.closed, 30_000, 'the server to close the socket');
	return { cost: p.stop(), closed };
}

/** The reference: what reading `frame` costs the ws library alone (a bare server in this process). */
async function libraryCost(frame: Uint8Array): Promise<number> {
	const { port } = bare.address();
	const socket = await zeroMaskSocket(`ws://127.0.0.1:${port}`, {}, false);
	return (await costOfSending(socket, frame)).cost.lagMs;
}

const storedUpdates = async () =>
	(await row<{ n: number }>(server.deps.db, sql`SELECT count(*) AS n FROM doc_updates WHERE room = ${room}`))!.n;

async function serverStateVector(): Promise<string> {
	let sv: Uint8Array = new Uint8Array();
	await server.deps.rooms.update(room, (doc) => {
		sv = Y.encodeStateVector(doc);
	});
	return Buffer.from(sv).toString('hex');
}

/** Sends `frame` until one attempt is within the bounds (at most three); each must close with `code`, storing nothing. */
async function refusedCheaply(frame: Uint8Array, code: number): Promise<Cost & { referenceMs: number }> {
	const attempts: (Cost & { referenceMs: number })[] = [];
	const { headers } = authHeaders(server, 'lead', 'token');
	for (let attempt = 0; attempt < 3; attempt++) {
		const referenceMs = await libraryCost(frame);
		const raw = await zeroMaskSocket(`${server.wsUrl}/${room}`, headers, true);
		const [before, state] = [await storedUpdates(), await serverStateVector()];
		const { cost, closed } = await costOfSending(raw, frame);
		expect(closed.code, closed.reason).toBe(code);
		expect(await storedUpdates()).toBe(before);
		expect(await serverStateVector()).toBe(state);
		attempts.push({ ...cost, referenceMs });
		if (cost.lagMs <= referenceMs + LAG_BOUND_MS && cost.heapMB < MEMORY_BOUND_MB && cost.rssMB < MEMORY_BOUND_MB)
			return { ...cost, referenceMs };
	}
	throw new Error(
		`over ${LAG_BOUND_MS} ms of event loop beyond the ws library's own, or ${MEMORY_BOUND_MB} MB, in every attempt: ${JSON.stringify(attempts)}`
	);
}

/** The room keeps serving: both clients are still connected and a new edit reaches the other one. */
async function roomStillServes(marker: string): Promise<void> {
	expect(writer.provider.wsconnected && observer.provider.wsconnected).toBe(true);
	writer.doc.getXmlFragment('content').push([new Y.XmlText(marker)]);
	await eventually(
		() => observer.doc.getXmlFragment('content').toJSON().includes(marker),
		5000,
		`${marker} reaches the observer`
	);
}

const CASES: [name: string, frame: () => Uint8Array, code: number][] = [
	['4 million tiny structs in one update', () => hostile.syncFrame(hostile.tinyStructs()), 4413],
	['hundreds of thousands of client sections', () => hostile.syncFrame(hostile.manyClients()), 4413],
	[
		'a delete set of 2 million ranges (sync step 2)',
		() => hostile.syncFrame(hostile.deleteRanges(writer.doc.clientID), 1),
		4413
	],
	['one struct holding millions of values', () => hostile.syncFrame(hostile.millionsOfValues('content')), 4413],
	['a JSON attribute of millions of values', () => hostile.syncFrame(hostile.hugeJson('content')), 4413],
	['a value nested thousands of levels deep', () => hostile.syncFrame(hostile.deepValue('content')), 4413],
	['a struct count no update could hold', () => hostile.syncFrame(hostile.lyingCount()), 4400],
	['a string length of 2^31 bytes', () => hostile.syncFrame(hostile.hugeLength('content')), 4400],
	['an awareness message with millions of entries', () => hostile.awarenessFlood(), 4413]
];

describe('one frame must not hurt anyone else', () => {
	it('accepts a long guideline pasted in one update', async () => {
		const section = (i: number) =>
			`## Section ${i}\n\nScore **accuracy** first, then *tone*; see [rule ${i}](https://example.test/${i}).\n\n- one\n- two\n`;
		const markdown = '# Guide\n\n' + Array.from({ length: 400 }, (_, i) => section(i)).join('\n');
		const updates: Uint8Array[] = [];
		const record = (u: Uint8Array, origin: unknown) => origin !== writer.provider && updates.push(u);
		writer.doc.on('update', record);
		const next = guidelineSchema().nodeFromJSON(markdownToDoc(markdown));
		const fragment = writer.doc.getXmlFragment('content');
		writer.doc.transact(() => updateYFragment(writer.doc, fragment, next, { mapping: new Map(), isOMark: new Map() }));
		writer.doc.off('update', record);
		expect(updates).toHaveLength(1);
		expect(Y.decodeUpdate(updates[0]).structs.length).toBeGreaterThan(3000);
		const markdownOf = (doc: Y.Doc) =>
			docToMarkdown(yXmlFragmentToProsemirrorJSON(doc.getXmlFragment('content')) as PmNode);
		await eventually(
			() => markdownOf(observer.doc) === markdownOf(writer.doc),
			10_000,
			'the paste reaches the observer'
		);
		expect(markdownOf(observer.doc)).toContain('Section 399');
		expect(writer.provider.wsconnected).toBe(true);
	}, 60_000);

	it.each(CASES)(
		'refuses %s cheaply, stores nothing, and the room keeps serving',
		async (name, build, code) => {
			const frame = build();
			expect(frame.byteLength).toBeLessThanOrEqual(8 * MB);
			const cost = await refusedCheaply(frame, code);
			expect(cost.lagMs).toBeLessThanOrEqual(cost.referenceMs + LAG_BOUND_MS);
			await roomStillServes(`after ${name}`);
		},
		120_000
	);
});
