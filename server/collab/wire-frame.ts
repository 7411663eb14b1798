// A WebSocket binary frame (RFC 6455, server → client: FIN, opcode 2, unmasked) built once per broadcast and
// written as one buffer to every socket, instead of ws framing the same payload again for each socket (a header
// buffer plus the payload: two buffers and a writev per socket). This is exactly the frame ws itself would
// write, and it is safe because this server never compresses or fragments (ws then writes every frame
// straight through, in call order, so a frame written directly cannot overtake or split one of its own).
// updateFrame builds the frame of a document update message (y-protocols sync update) in one buffer: the merged
// updates a room sends each turn are copied once, not once into the message and again into the frame.
import { MESSAGE_SYNC, SYNC_UPDATE } from './protocol';

export interface WireFrame {
	payload: Uint8Array;
	bytes: Buffer;
}

/** A frame with room for `len` payload bytes after its header; returns the buffer and where the payload starts. */
function allocFrame(len: number): { bytes: Buffer; head: number } {
	const head = len < 126 ? 2 : len < 65536 ? 4 : 10;
	const bytes = Buffer.allocUnsafe(head + len);
	bytes[0] = 0x82;
	if (len < 126) bytes[1] = len;
	else if (len < 65536) {
		bytes[1] = 126;
		bytes.writeUInt16BE(len, 2);
	} else {
		bytes[1] = 127;
		bytes.writeUInt32BE(Math.floor(len / 2 ** 32), 2);
		bytes.writeUInt32BE(len >>> 0, 6);
	}
	return { bytes, head };
}

export function wireFrame(payload: Uint8Array): WireFrame {
	const { bytes, head } = allocFrame(payload.byteLength);
	bytes.set(payload, head);
	return { payload, bytes };
}

const varUintLength = (n: number) => (n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : n < 0x10000000 ? 4 : 5);

/** The frame of a sync update message carrying `update` (the same bytes as wireFrame(encodeUpdate(update))). */
export function updateFrame(update: Uint8Array): WireFrame {
	const lengthBytes = varUintLength(update.byteLength);
	const { bytes, head } = allocFrame(2 + lengthBytes + update.byteLength);
	bytes[head] = MESSAGE_SYNC;
	bytes[head + 1] = SYNC_UPDATE;
	let at = head + 2;
	let n = update.byteLength;
	while (n >= 0x80) {
		bytes[at++] = (n & 0x7f) | 0x80;
		n = Math.floor(n / 128);
	}
	bytes[at++] = n;
	bytes.set(update, at);
	return { payload: bytes.subarray(head), bytes };
}
