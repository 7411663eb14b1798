// The cluster bus on Redis pub/sub (ioredis): one channel per room for relayed updates and presence, one control
// channel for socket orders. Room messages are binary: [kind byte][16-byte origin node id][payload], so a CRDT
// update crosses without re-encoding; a node drops its own messages (Redis delivers a publish to every subscriber,
// the publisher's node included). Subscriptions are awaited, so "subscribe, then load from the store" holds.
// ioredis reconnects and re-subscribes by itself; `onReconnect` listeners run after a lost subscription
// connection is back, so rooms can catch up from the store on what was published meanwhile.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { ClusterBus, ControlMessage, RoomListener, RoomTraffic } from './bus';
import { redisCounter } from './failure-counter';
import { redisPacing } from './redis-pacing';

const KINDS: RoomTraffic[] = ['update', 'awareness'];
const ROOM_PREFIX = 'concord:room:';
const CONTROL = 'concord:control';
const ID_BYTES = 16;

export interface RedisBus extends ClusterBus {
	/** The command connection, for other cluster state kept in Redis (failure counters, pacing). */
	readonly redis: Redis;
}

export async function connectRedisBus(url: string, onError: (err: unknown) => void): Promise<RedisBus> {
	const id = randomBytes(ID_BYTES);
	const nodeId = id.toString('hex');
	const options = { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: true } as const;
	const pub = new Redis(url, options);
	const sub = new Redis(url, options);
	pub.on('error', onError);
	sub.on('error', onError);
	await Promise.all([pub.connect(), sub.connect()]);

	const rooms = new Map<string, RoomListener>();
	// SUBSCRIBE/UNSUBSCRIBE of one room run one after the other, and an unsubscribe that finds a newer listener
	// (the room was loaded again meanwhile) leaves the subscription in place.
	const pending = new Map<string, Promise<unknown>>();
	const inTurn = (room: string, op: () => Promise<unknown>): Promise<void> => {
		const run = (pending.get(room) ?? Promise.resolve()).then(op, op);
		const settled = run.then(
			() => {},
			() => {}
		);
		pending.set(room, settled);
		void settled.then(() => {
			if (pending.get(room) === settled) pending.delete(room);
		});
		return run.then(() => {});
	};
	const controls: ((m: ControlMessage) => void)[] = [];
	const reconnects: (() => void)[] = [];
	// Registered after the first connect: 'ready' now means the connection came back (ioredis re-subscribed).
	sub.on('ready', () => {
		for (const fn of reconnects) fn();
	});

	sub.on('messageBuffer', (channelBuf: Buffer, message: Buffer) => {
		const channel = channelBuf.toString();
		if (channel === CONTROL) {
			let parsed: { origin?: string; message?: ControlMessage };
			try {
				parsed = JSON.parse(message.toString()) as typeof parsed;
			} catch (err) {
				onError(err);
				return;
			}
			if (parsed.origin === nodeId || !parsed.message) return;
			for (const fn of controls) fn(parsed.message);
			return;
		}
		if (!channel.startsWith(ROOM_PREFIX) || message.length < 1 + ID_BYTES) return;
		if (id.equals(message.subarray(1, 1 + ID_BYTES))) return;
		const kind = KINDS[message[0] - 1];
		const listener = rooms.get(channel.slice(ROOM_PREFIX.length));
		if (!kind || !listener) return;
		const payload = message.subarray(1 + ID_BYTES);
		listener(kind, new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength));
	});
	await sub.subscribe(CONTROL);

	return {
		nodeId,
		shared: true,
		redis: pub,
		subscribeRoom(room, listener) {
			rooms.set(room, listener);
			return inTurn(room, () => sub.subscribe(ROOM_PREFIX + room));
		},
		unsubscribeRoom(room, listener) {
			if (rooms.get(room) !== listener) return Promise.resolve();
			rooms.delete(room);
			return inTurn(room, async () => {
				if (!rooms.has(room)) await sub.unsubscribe(ROOM_PREFIX + room);
			});
		},
		publishRoom(room, kind, payload) {
			const message = Buffer.allocUnsafe(1 + ID_BYTES + payload.byteLength);
			message[0] = KINDS.indexOf(kind) + 1;
			id.copy(message, 1);
			message.set(payload, 1 + ID_BYTES);
			pub.publish(ROOM_PREFIX + room, message).catch(onError);
		},
		onControl(listener) {
			controls.push(listener);
		},
		publishControl(message) {
			pub.publish(CONTROL, JSON.stringify({ origin: nodeId, message })).catch(onError);
		},
		onReconnect(listener) {
			reconnects.push(listener);
		},
		counter: (name, limit) => redisCounter(pub, name, limit),
		pacing: (name, limits) => redisPacing(pub, nodeId, name, limits, onError),
		async ping() {
			try {
				return (await pub.ping()) === 'PONG';
			} catch {
				return false;
			}
		},
		async close() {
			rooms.clear();
			await Promise.allSettled([sub.quit(), pub.quit()]);
		}
	};
}
