// updateFrame: the frame of a sync update message built in one buffer is byte for byte the frame of the message
// encodeUpdate builds, at every size where the WebSocket header or the length prefix changes width.
import { describe, expect, it } from 'vitest';
import { encodeUpdate } from '../../server/collab/protocol';
import { updateFrame, wireFrame } from '../../server/collab/wire-frame';

describe('updateFrame', () => {
	it('equals wireFrame(encodeUpdate(update)) across header and length-prefix widths', () => {
		for (const size of [0, 1, 121, 122, 123, 127, 128, 16_383, 16_384, 65_530, 65_531, 65_532, 65_536, 70_000]) {
			const update = Uint8Array.from({ length: size }, (_, i) => (i * 31 + size) & 0xff);
			const expected = wireFrame(encodeUpdate(update));
			const frame = updateFrame(update);
			expect(Buffer.compare(frame.bytes, expected.bytes), `size ${size}`).toBe(0);
			expect(Buffer.from(frame.payload).equals(Buffer.from(encodeUpdate(update))), `size ${size}`).toBe(true);
		}
	});
});
