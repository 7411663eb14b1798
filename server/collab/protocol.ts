// The y-websocket wire protocol (y-protocols sync + awareness), parsed defensively. Every length is checked
// against the frame, payloads are copied into their own buffers (so a crafted length inside a Yjs update can
// never read memory beyond it), and anything unexpected — truncation, trailing bytes, unknown message or
// sync types, text frames — is a ProtocolError that closes that one connection with 4400.
//   frame    := varUint messageType, body
//   sync     := 0, varUint syncType (0 step1 | 1 step2 | 2 update), varUint8Array payload
//   awareness:= 1, varUint8Array awarenessUpdate (varUint n, n × (varUint clientID, varUint clock, varString JSON))
//   auth     := 2 (server → client only)
//   query    := 3 (ask for every awareness state)
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { AppError } from '../domain/errors';

export const MESSAGE_SYNC = 0;
export const MESSAGE_AWARENESS = 1;
export const MESSAGE_AUTH = 2;
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

	string(maxBytes: number): string {
		const len = this.varUint();
		if (len > maxBytes) throw new AppError('payload_too_large', `Awareness state larger than ${maxBytes} bytes`);
		if (len > this.buf.length - this.pos) throw protocolError('length beyond the end of the frame');
		const view = this.buf.subarray(this.pos, this.pos + len);
		this.pos += len;
		try {
			return utf8.decode(view);
		} catch {
			throw protocolError('invalid UTF-8');
		}
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
		const payload = r.bytes();
		if (syncType === SYNC_STEP1) message = { type: 'syncStep1', stateVector: payload };
		else if (syncType === SYNC_STEP2) message = { type: 'syncStep2', update: payload };
		else if (syncType === SYNC_UPDATE) message = { type: 'update', update: payload };
		else throw protocolError(`unknown sync message type ${syncType}`);
	} else if (type === MESSAGE_AWARENESS) {
		message = { type: 'awareness', update: r.bytes() };
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
	return frame((e) => {
		encoding.writeVarUint(e, MESSAGE_SYNC);
		encoding.writeVarUint(e, SYNC_STEP2);
		encoding.writeVarUint8Array(e, diff);
	});
}

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

/** An awareness update's entries: client id, clock, JSON state (null = gone). Throws (→ 4400/4413) when malformed. */
export function parseAwarenessUpdate(update: Uint8Array, maxStateBytes: number): AwarenessEntry[] {
	const r = new FrameReader(update);
	const count = r.varUint();
	const entries: AwarenessEntry[] = [];
	for (let i = 0; i < count; i++) {
		const clientId = r.varUint();
		const clock = r.varUint();
		const json = r.string(maxStateBytes);
		let state: unknown;
		try {
			state = JSON.parse(json);
		} catch {
			throw protocolError('awareness state is not JSON');
		}
		entries.push({ clientId, clock, state });
	}
	r.end();
	return entries;
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
