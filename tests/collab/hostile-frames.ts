// Hostile y-websocket frames for the frame-cost tests, each within the default 8 MiB frame limit: raw Yjs v1 update
// bytes written by hand (see server/collab/update-scan.ts for the format), wrapped as sync messages, and an
// awareness message with millions of entries.
import * as encoding from 'lib0/encoding';

const MiB = 1024 * 1024;
/** Room for the message header inside the frame limit. */
const BUDGET = 8 * MiB - 64;

function bytes(write: (e: encoding.Encoder) => void): Uint8Array {
	const e = encoding.createEncoder();
	write(e);
	return encoding.toUint8Array(e);
}

/** A sync message (0: step 1, 1: step 2, 2: update) carrying `update`. */
export const syncFrame = (update: Uint8Array, syncType = 2) =>
	bytes((e) => {
		encoding.writeVarUint(e, 0);
		encoding.writeVarUint(e, syncType);
		encoding.writeVarUint8Array(e, update);
	});

const varUints = (e: encoding.Encoder, ...values: number[]) => values.forEach((v) => encoding.writeVarUint(e, v));

/** A GC struct of length 1: info byte 0, varUint length. */
const gcStruct = (e: encoding.Encoder) => {
	encoding.writeUint8(e, 0);
	encoding.writeVarUint(e, 1);
};

/** Millions of 2-byte GC structs of one client (issue 14: 4 million tiny structs in 8 MB). */
export const tinyStructs = (count = 4_000_000) =>
	bytes((e) => {
		varUints(e, 1, count, 424242, 0);
		for (let i = 0; i < count; i++) gcStruct(e);
		varUints(e, 0);
	});

/** Many client sections, each just under any per-client count, adding up to far more structs than allowed. */
export const manyClients = () =>
	bytes((e) => {
		const clients = Math.floor(BUDGET / 13);
		varUints(e, clients);
		for (let c = 0; c < clients; c++) {
			varUints(e, 4, 1_000_000 + c, 0);
			for (let i = 0; i < 4; i++) gcStruct(e);
		}
		varUints(e, 0);
	});

/** No structs and a delete set of 2 million one-item ranges (issue 14), 4 bytes each. */
export const deleteRanges = (client: number) =>
	bytes((e) => {
		const ranges = 2_000_000;
		varUints(e, 0, 1, client, ranges);
		for (let i = 0; i < ranges; i++) varUints(e, i, 1);
	});

/** One item under root `key` with content ref `ref`. */
const oneItem = (key: string, ref: number, content: (e: encoding.Encoder) => void) =>
	bytes((e) => {
		varUints(e, 1, 1, 434343, 0);
		encoding.writeUint8(e, ref);
		varUints(e, 1);
		encoding.writeVarString(e, key);
		content(e);
		varUints(e, 0);
	});

/** One struct whose any content holds millions of nulls (one struct, millions of values). */
export const millionsOfValues = (key: string) =>
	oneItem(key, 8, (e) => {
		const n = BUDGET - 32;
		varUints(e, n);
		for (let i = 0; i < n; i++) encoding.writeUint8(e, 126);
	});

/** One formatting struct whose JSON attribute value is an array of millions of zeros. */
export const hugeJson = (key: string) =>
	oneItem(key, 6, (e) => {
		encoding.writeVarString(e, 'bold');
		encoding.writeVarString(e, '[' + '0,'.repeat(Math.floor((BUDGET - 64) / 2)) + '0]');
	});

/** One value nested `depth` levels deep (fits the stack of the decoder, not of Yjs' encoders at compaction). */
export const deepValue = (key: string, depth = 3000) =>
	oneItem(key, 8, (e) => {
		varUints(e, 1);
		// lib0 any-encoding: 117 is an array, here of length 1, holding the next level.
		for (let i = 0; i < depth; i++) {
			encoding.writeUint8(e, 117);
			encoding.writeVarUint(e, 1);
		}
		encoding.writeUint8(e, 126);
	});

/** A struct count no update of this size could hold. */
export const lyingCount = () => bytes((e) => varUints(e, 1, 2 ** 40, 7, 0, 0, 0));

/** A string whose declared length is 2^31 bytes. */
export const hugeLength = (key: string) =>
	oneItem(key, 4, (e) => {
		varUints(e, 2 ** 31);
		encoding.writeUint8Array(e, new Uint8Array(16));
	});

/** An awareness message with millions of tiny entries (client id, clock, JSON "0"). */
export const awarenessFlood = () =>
	bytes((e) => {
		const entries = Math.floor(BUDGET / 8);
		varUints(e, 1);
		const inner = bytes((a) => {
			varUints(a, entries);
			for (let i = 0; i < entries; i++) {
				varUints(a, 1_000_000 + i, 1);
				encoding.writeVarString(a, '0');
			}
		});
		encoding.writeVarUint8Array(e, inner);
	});
