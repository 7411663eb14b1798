// The y-websocket wire protocol (y-protocols sync + awareness), parsed defensively. Every length is checked
// against the frame, and anything unexpected — truncation, trailing bytes, unknown message or sync types, text
// frames — is a ProtocolError that closes that one connection with 4400. Updates and awareness payloads are views
// into the frame, so refusing a hostile 8 MiB frame costs no copy: an update is copied into its own buffer by the
// write guard once its pre-scan passed (so a crafted length inside it can never make Yjs read beyond it), and
// awareness payloads are only read by FrameReader. State vectors, read by Yjs, are copied here.
//   frame    := varUint messageType, body
//   sync     := 0, varUint syncType (0 step1 | 1 step2 | 2 update), varUint8Array payload
//   awareness:= 1, varUint8Array awarenessUpdate (varUint n, n × (varUint clientID, varUint clock, varString JSON))
//   auth     := 2 (server → client only)
//   query    := 3 (ask for every awareness state)
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { AppError } from '../domain/errors';
import type { CollabOptions } from './options';

export const MESSAGE_SYNC = 0;
export const MESSAGE_AWARENESS = 1;
export const MESSAGE_QUERY_AWARENESS = 3;
export const SYNC_STEP1 = 0;
export const SYNC_STEP2 = 1;
export const SYNC_UPDATE = 2;

export type ClientMessage =
	| { type: 'syncStep1'; stateVector: Uint8Array }
	| { type: 'syncStep2' | 'update'; update: Uint8Array }
	| { type: 'awareness'; update: Uint8Array }
	| { type: 'queryAwareness' };

export const protocolError = (why: string) => new AppError('bad_request', `Malformed message: ${why}`);

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A bounds-checked reader over one frame (lib0's decoder trusts lengths; this one does not). */
export class FrameReader {
	pos = 0;
	constructor(readonly buf: Uint8Array) {}

	varUint(): number {
		let num = 0;
		let mult = 1;
		while (this.pos < this.buf.length) {
			const r = this.buf[this.pos++];
			num += (r & 0x7f) * mult;
			if (r < 0x80) return num;
			mult *= 128;
			if (num > Number.MAX_SAFE_INTEGER || mult > 2 ** 56) throw protocolError('integer out of range');
		}
		throw protocolError('truncated integer');
	}

	uint8(): number {
		if (this.pos >= this.buf.length) throw protocolError('truncated frame');
		return this.buf[this.pos++];
	}

	/** Skips n bytes (fixed-size fields). */
	skip(n: number): void {
		if (n > this.buf.length - this.pos) throw protocolError('length beyond the end of the frame');
		this.pos += n;
	}

	/** A length-prefixed byte string as a view into the frame (no copy), for scanning. */
	view(): Uint8Array {
		const len = this.varUint();
		if (len > this.buf.length - this.pos) throw protocolError('length beyond the end of the frame');
		this.pos += len;
		return this.buf.subarray(this.pos - len, this.pos);
	}

	/** How many bytes are left; a declared count of items that each take at least one byte cannot exceed it. */
	get remaining(): number {
		return this.buf.length - this.pos;
	}

	/** A length-prefixed byte string, copied into its own buffer. */
	bytes(): Uint8Array {
		const len = this.varUint();
		if (len > this.buf.length - this.pos) throw protocolError('length beyond the end of the frame');
		const out = this.buf.slice(this.pos, this.pos + len);
		this.pos += len;
		return out;
	}

	end(): void {
		if (this.pos !== this.buf.length) throw protocolError('trailing bytes');
	}
}

export function parseClientMessage(frame: Uint8Array): ClientMessage {
	if (frame.length === 0) throw protocolError('empty frame');
	const r = new FrameReader(frame);
	const type = r.varUint();
	let message: ClientMessage;
	if (type === MESSAGE_SYNC) {
		const syncType = r.varUint();
		if (syncType === SYNC_STEP1) message = { type: 'syncStep1', stateVector: r.bytes() };
		else if (syncType === SYNC_STEP2) message = { type: 'syncStep2', update: r.view() };
		else if (syncType === SYNC_UPDATE) message = { type: 'update', update: r.view() };
		else throw protocolError(`unknown sync message type ${syncType}`);
	} else if (type === MESSAGE_AWARENESS) {
		message = { type: 'awareness', update: r.view() };
	} else if (type === MESSAGE_QUERY_AWARENESS) {
		message = { type: 'queryAwareness' };
	} else {
		throw protocolError(`unknown message type ${type}`);
	}
	r.end();
	return message;
}

function frame(write: (e: encoding.Encoder) => void): Uint8Array {
	const e = encoding.createEncoder();
	write(e);
	return encoding.toUint8Array(e);
}

export const encodeSyncStep1 = (doc: Y.Doc) =>
	frame((e) => {
		encoding.writeVarUint(e, MESSAGE_SYNC);
		encoding.writeVarUint(e, SYNC_STEP1);
		encoding.writeVarUint8Array(e, Y.encodeStateVector(doc));
	});

/** Throws (→ 4400) when the client's state vector is malformed. */
export function encodeSyncStep2(doc: Y.Doc, stateVector: Uint8Array): Uint8Array {
	let diff: Uint8Array;
	try {
		diff = Y.encodeStateAsUpdate(doc, stateVector);
	} catch {
		throw protocolError('invalid state vector');
	}
	return syncStep2Of(diff);
}

/** A sync step 2 carrying an update already encoded (e.g. the whole document, cached). */
export const syncStep2Of = (update: Uint8Array) =>
	frame((e) => {
		encoding.writeVarUint(e, MESSAGE_SYNC);
		encoding.writeVarUint(e, SYNC_STEP2);
		encoding.writeVarUint8Array(e, update);
	});

/** The state vector of a client that has nothing (a varUint 0: no clients), the usual first sync. */
export const isEmptyStateVector = (stateVector: Uint8Array) => stateVector.length === 1 && stateVector[0] === 0;

export const encodeUpdate = (update: Uint8Array) =>
	frame((e) => {
		encoding.writeVarUint(e, MESSAGE_SYNC);
		encoding.writeVarUint(e, SYNC_UPDATE);
		encoding.writeVarUint8Array(e, update);
	});

export const encodeAwareness = (update: Uint8Array) =>
	frame((e) => {
		encoding.writeVarUint(e, MESSAGE_AWARENESS);
		encoding.writeVarUint8Array(e, update);
	});

export interface AwarenessEntry {
	clientId: number;
	clock: number;
	state: unknown;
}

/** An awareness entry as read from the wire: its state still JSON text (parsed only if the server keeps it). */
export interface WireAwarenessEntry {
	clientId: number;
	clock: number;
	json: Uint8Array;
}

export type AwarenessLimits = Pick<CollabOptions, 'maxAwarenessStateBytes' | 'maxAwarenessEntries'>;

/**
 * An awareness update's entries: client id, clock, JSON state text (views into `update`). Throws (→ 4400/4413)
 * when malformed, when it announces more than `maxAwarenessEntries` entries (checked before reading them), when a
 * state is larger than `maxAwarenessStateBytes`, or when it lists a client id twice (y-protocols never does).
 */
export function parseAwarenessUpdate(update: Uint8Array, limits: AwarenessLimits): WireAwarenessEntry[] {
	const r = new FrameReader(update);
	const count = r.varUint();
	if (count > limits.maxAwarenessEntries)
		throw new AppError('payload_too_large', `Awareness update has more than ${limits.maxAwarenessEntries} entries`);
	if (count * 3 > r.remaining) throw protocolError('awareness entries beyond the end of the frame');
	const entries: WireAwarenessEntry[] = [];
	const ids = new Set<number>();
	for (let i = 0; i < count; i++) {
		const clientId = r.varUint();
		const clock = r.varUint();
		const json = r.view();
		if (json.length > limits.maxAwarenessStateBytes)
			throw new AppError('payload_too_large', `Awareness state larger than ${limits.maxAwarenessStateBytes} bytes`);
		if (ids.has(clientId)) throw protocolError('awareness client id listed twice');
		ids.add(clientId);
		entries.push({ clientId, clock, json });
	}
	r.end();
	return entries;
}

/** The state of one awareness entry (null = gone). Throws (→ 4400) unless it is UTF-8 JSON. */
export function parseAwarenessState(json: Uint8Array): unknown {
	try {
		return JSON.parse(utf8.decode(json));
	} catch {
		throw protocolError('awareness state is not JSON');
	}
}

export function encodeAwarenessEntries(entries: Iterable<AwarenessEntry>): Uint8Array {
	const list = [...entries];
	const e = encoding.createEncoder();
	encoding.writeVarUint(e, list.length);
	for (const { clientId, clock, state } of list) {
		encoding.writeVarUint(e, clientId);
		encoding.writeVarUint(e, clock);
		encoding.writeVarString(e, JSON.stringify(state));
	}
	return encoding.toUint8Array(e);
}
