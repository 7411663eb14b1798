// A WebSocket binary frame (RFC 6455, server → client: FIN, opcode 2, unmasked) built once per broadcast and
// written as one buffer to every socket, instead of ws framing the same payload again for each socket (a header
// buffer plus the payload: two buffers and a writev per socket). This is exactly the frame ws itself would
// write, and it is safe because this server never compresses or fragments (ws then writes every frame
// straight through, in call order, so a frame written directly cannot overtake or split one of its own).
export interface WireFrame {
	payload: Uint8Array;
	bytes: Buffer;
}

export function wireFrame(payload: Uint8Array): WireFrame {
	const len = payload.byteLength;
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
	bytes.set(payload, head);
	return { payload, bytes };
}
