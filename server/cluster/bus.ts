// What the nodes of a cluster tell each other, and the bus that carries it. With REDIS_URL the bus is Redis
// pub/sub (redis-bus.ts); without it the node is alone and the bus carries nothing (localBus).
//
// Room traffic is relayed only after the origin node accepted it (write guard) and, for document updates,
// committed it to the shared store: a node that receives a relayed update applies it to its copy of the room and
// broadcasts it to its own clients, never back to the bus (no echo, no loops). Updates are CRDT updates, so
// applying one twice (relayed and also loaded from the store) is harmless.

import { memoryCounter, type FailureCounter, type WindowLimit } from './failure-counter';
import { memoryPacing, type PaceLimits, type Pacing } from '../judges/pacing';

/** Kinds of room traffic between nodes. */
export type RoomTraffic = 'update' | 'awareness';

/** Cluster-wide orders about sockets: every node acts on its own connections. */
export type ControlMessage =
	| { type: 'disconnect'; filter: { sessionId: string } | { tokenId: string } | { userId: string } }
	| { type: 'recheck'; userId: string }
	| { type: 'recheckRoom'; room: string }
	| { type: 'rename'; userId: string; name: string }
	/** Credentials ended or accounts changed: forget the callers remembered (caller-cache.ts). */
	| { type: 'credentials' }
	/** These people have new notifications: nodes push them to the users' open pages (inbox-signal.ts). */
	| { type: 'notified'; userIds: string[] };

export type RoomListener = (kind: RoomTraffic, payload: Uint8Array) => void;

export interface ClusterBus {
	/** This node's id (random per process). */
	readonly nodeId: string;
	/** Whether other nodes may exist (a real bus). */
	readonly shared: boolean;
	/**
	 * Starts receiving a room's traffic from other nodes. Resolves once the subscription is active, so a caller
	 * that subscribes before loading the room from the store misses nothing published in between.
	 */
	subscribeRoom(room: string, listener: RoomListener): Promise<void>;
	/** Stops `listener` (a later subscription of the same room with another listener is kept). */
	unsubscribeRoom(room: string, listener: RoomListener): Promise<void>;
	/** Sends accepted room traffic to the other nodes serving the room. */
	publishRoom(room: string, kind: RoomTraffic, payload: Uint8Array): void;
	/** Receives control messages from other nodes (not the ones this node sent). */
	onControl(listener: (message: ControlMessage) => void): void;
	publishControl(message: ControlMessage): void;
	/** Runs after the bus came back from an outage: what was published meanwhile is lost, catch up from the store. */
	onReconnect(listener: () => void): void;
	/** Failure counters (sign-in throttles) that count across every node sharing the bus. */
	counter(name: string, limit: WindowLimit): FailureCounter;
	/** Pacing of requests to an outside service (a model judge) that holds across every node sharing the bus. */
	pacing(name: string, limits: PaceLimits): Pacing;
	/** Reports whether the bus is reachable (health). */
	ping(): Promise<boolean>;
	close(): Promise<void>;
}

/** A node alone: nothing to relay. */
export function localBus(): ClusterBus {
	return {
		nodeId: 'local',
		shared: false,
		subscribeRoom: () => Promise.resolve(),
		unsubscribeRoom: () => Promise.resolve(),
		publishRoom: () => {},
		onControl: () => {},
		publishControl: () => {},
		onReconnect: () => {},
		counter: (_name, limit) => memoryCounter(limit),
		pacing: (_name, limits) => memoryPacing(limits),
		ping: () => Promise.resolve(true),
		close: () => Promise.resolve()
	};
}
