// A pre-scan of one client Yjs update (v1 wire format) that decides, before anything is decoded into objects,
// whether the update is well-formed and within the per-update limits. It walks the bytes once with the
// bounds-checked FrameReader and allocates nothing per struct. Every count that would make Yjs allocate (client
// sections, structs per client, values of JSON/any content, delete-set clients and ranges) is checked against its
// limit as soon as it is read, before the entries it announces, so a frame announcing millions of entries is
// refused in O(1) and scanning stops at the first limit. Refusals: anything that is not a well-formed v1 update
// (truncation, a count larger than the bytes left could hold, unknown struct/content/type refs, clocks beyond
// 2^53, trailing bytes) is a ProtocolError (4400); a limit is payload_too_large (4413).
//   update        := varUint numClients, numClients × clientStructs, deleteSet
//   clientStructs := varUint numStructs, varUint client, varUint clock, numStructs × struct
//   struct        := uint8 info; info & 31: 0 GC / 10 Skip (varUint len) | 1..9 item:
//                    [info&128: origin id] [info&64: right origin id]
//                    [neither: varUint (1: varString key | else: id), info&32: varString parentSub] content
//   deleteSet     := varUint numClients, numClients × (varUint client, varUint numRanges, numRanges × (clock, len))
import { isUtf8 } from 'node:buffer';
import { AppError } from '../domain/errors';
import type { CollabOptions } from './options';
import { FrameReader, protocolError } from './protocol';

export type UpdateLimits = Pick<CollabOptions, 'maxStructsPerUpdate' | 'maxDeleteRangesPerUpdate'>;

/** Deeper JSON/any values would overflow the stack of Yjs' recursive encoders later (e.g. at compaction). */
export const MAX_VALUE_DEPTH = 64;

// Content refs (yjs structs/Item.js contentRefs) and type refs (structs/ContentType.js typeRefs).
const GC = 0;
const SKIP = 10;
const DELETED = 1;
const JSON_CONTENT = 2;
const BINARY = 3;
const STRING = 4;
const EMBED = 5;
const FORMAT = 6;
const TYPE = 7;
const ANY = 8;
const DOC = 9;
const XML_ELEMENT = 3;
const XML_HOOK = 5;
const LAST_TYPE_REF = 6;

const tooLarge = (what: string) => new AppError('payload_too_large', `Update ${what}`);

/** Throws (4400/4413) unless `update` is a well-formed v1 update within `limits`. */
export function scanUpdate(update: Uint8Array, limits: UpdateLimits): void {
	new UpdateScan(new FrameReader(update), limits).scan();
}

/** Where the parts of a v1 update lie: each client section (with its client id), and the delete set's entries. */
export interface UpdateLayout {
	/**
	 * Each client section's bytes (numStructs, client, clock, structs), as views into the update; with its struct
	 * count, its first clock and the clock after its last struct (NaN when a string in it is not valid UTF-8), and
	 * its structs' bytes alone (`body`).
	 */
	sections: { client: number; bytes: Uint8Array; structs: number; clock: number; end: number; body: Uint8Array }[];
	/** How many client entries the delete set has, and their bytes (after the count), as a view. */
	deleteClients: number;
	deletes: Uint8Array;
}

const UNLIMITED: UpdateLimits = { maxStructsPerUpdate: Infinity, maxDeleteRangesPerUpdate: Infinity };

/** The layout of a well-formed v1 update (one Yjs encoded); throws like scanUpdate on a malformed one. */
export function updateLayout(update: Uint8Array): UpdateLayout {
	const r = new FrameReader(update);
	const scan = new UpdateScan(r, UNLIMITED, true);
	const sections: UpdateLayout['sections'] = [];
	const count = r.varUint();
	for (let c = 0; c < count; c++) {
		const start = r.pos;
		const structs = r.varUint();
		const client = r.varUint();
		const clock = r.varUint();
		const bodyAt = r.pos;
		let end = clock;
		for (let i = 0; i < structs; i++) end += scan.struct();
		sections.push({
			client,
			bytes: update.subarray(start, r.pos),
			structs,
			clock,
			end,
			body: update.subarray(bodyAt, r.pos)
		});
	}
	const deleteClients = r.varUint();
	const deletesAt = r.pos;
	for (let c = 0; c < deleteClients; c++) {
		r.varUint(); // client
		const n = r.varUint();
		for (let i = 0; i < 2 * n; i++) r.varUint();
	}
	r.end();
	return { sections, deleteClients, deletes: update.subarray(deletesAt) };
}

/**
 * The UTF-16 length (Yjs' clock length of a string) of UTF-8 text: a unit per character, two past U+FFFF. NaN for
 * text that is not valid UTF-8 (Yjs would decode it with replacement characters, of another length).
 */
function utf16Length(utf8: Uint8Array): number {
	if (!isUtf8(utf8)) return NaN;
	let n = 0;
	for (let i = 0; i < utf8.length; i++) {
		const b = utf8[i];
		if ((b & 0xc0) !== 0x80) n += b >= 0xf0 ? 2 : 1;
	}
	return n;
}

class UpdateScan {
	/** Structs plus values of JSON/any content: each becomes at least one object when decoded. */
	values = 0;

	constructor(
		readonly r: FrameReader,
		readonly limits: UpdateLimits,
		/** Strings count their exact length in clock units (UTF-16 code units) instead of their UTF-8 bytes. */
		readonly exact = false
	) {}

	scan(): void {
		const { r, limits } = this;
		const clients = this.declared(3, 'client sections');
		if (clients > limits.maxStructsPerUpdate)
			throw tooLarge(`has more than ${limits.maxStructsPerUpdate} client sections`);
		for (let c = 0; c < clients; c++) {
			const structs = this.declared(2, 'structs');
			this.count(structs);
			r.varUint(); // client
			let clock = r.varUint();
			for (let i = 0; i < structs; i++) {
				clock += this.struct();
				if (clock > Number.MAX_SAFE_INTEGER) throw protocolError('clock out of range');
			}
		}
		this.deleteSet();
		r.end();
	}

	/** A count of entries that each take at least `minBytes`: one larger than the rest of the update is a lie. */
	declared(minBytes: number, what: string): number {
		const n = this.r.varUint();
		if (n * minBytes > this.r.remaining) throw protocolError(`${what} beyond the end of the update`);
		return n;
	}

	count(n: number): void {
		this.values += n;
		if (this.values > this.limits.maxStructsPerUpdate)
			throw tooLarge(`holds more than ${this.limits.maxStructsPerUpdate} structs and values`);
	}

	/** One struct; returns its length (an upper bound for strings) so clocks can be checked. */
	struct(): number {
		const r = this.r;
		const info = r.uint8();
		const ref = info & 31;
		if (ref === GC || ref === SKIP) return r.varUint();
		if (ref > DOC) throw protocolError(`unknown struct type ${ref}`);
		if (info & 128) this.id(); // origin
		if (info & 64) this.id(); // right origin
		if ((info & 192) === 0) {
			if (r.varUint() === 1) r.view();
			else this.id(); // parent item
			if (info & 32) r.view();
		}
		return this.content(ref);
	}

	/** A struct id: varUint client, varUint clock. */
	id(): void {
		this.r.varUint();
		this.r.varUint();
	}

	content(ref: number): number {
		const r = this.r;
		switch (ref) {
			case DELETED:
				return r.varUint();
			case JSON_CONTENT: {
				const n = this.declared(1, 'JSON values');
				this.count(n);
				for (let i = 0; i < n; i++) this.json(r.view(), false);
				return n;
			}
			case BINARY:
				r.view();
				return 1;
			case STRING:
				return this.exact ? utf16Length(r.view()) : r.view().length;
			case EMBED:
				this.json(r.view(), true);
				return 1;
			case FORMAT:
				r.view();
				this.json(r.view(), true);
				return 1;
			case TYPE: {
				const typeRef = r.varUint();
				if (typeRef > LAST_TYPE_REF) throw protocolError(`unknown type ${typeRef}`);
				if (typeRef === XML_ELEMENT || typeRef === XML_HOOK) r.view();
				return 1;
			}
			case ANY: {
				const n = this.declared(1, 'values');
				this.anyValues(n);
				return n;
			}
			default: // DOC: guid and options (the write guard refuses subdocuments; the scan only bounds them)
				r.view();
				this.anyValues(1);
				return 1;
		}
	}

	/**
	 * Counts the values a JSON text would parse into (one per container and per element separator, outside
	 * strings) and bounds its nesting. `countSelf`: the text is one more value (ContentJSON counted its texts up front).
	 */
	json(text: Uint8Array, countSelf: boolean): void {
		if (countSelf) this.count(1);
		let depth = 0;
		let inString = false;
		for (let i = 0; i < text.length; i++) {
			const c = text[i];
			if (inString) {
				if (c === 0x5c)
					i++; // backslash: skip the escaped character
				else if (c === 0x22) inString = false;
			} else if (c === 0x22) inString = true;
			else if (c === 0x5b || c === 0x7b) {
				this.count(1);
				if (++depth > MAX_VALUE_DEPTH) throw tooLarge(`nests values deeper than ${MAX_VALUE_DEPTH} levels`);
			} else if (c === 0x5d || c === 0x7d) depth--;
			else if (c === 0x2c) this.count(1); // counted as met: a text of millions of values stops at the limit
		}
	}

	/** `n` values of lib0's any encoding (lib0/decoding.js readAny), iteratively, each counted as it is read. */
	anyValues(n: number): void {
		const r = this.r;
		// Open containers: values still to read, and whether each is preceded by a key (object entries).
		const left: number[] = [n];
		const keyed: boolean[] = [false];
		while (left.length > 0) {
			const top = left.length - 1;
			if (left[top] === 0) {
				left.pop();
				keyed.pop();
				continue;
			}
			left[top]--;
			if (keyed[top]) r.view();
			this.count(1);
			const tag = r.uint8();
			if (tag === 127 || tag === 126 || tag === 121 || tag === 120) continue; // undefined, null, false, true
			if (tag === 125) this.varInt();
			else if (tag === 124) r.skip(4);
			else if (tag === 123 || tag === 122) r.skip(8);
			else if (tag === 119 || tag === 116)
				r.view(); // string, bytes
			else if (tag === 118 || tag === 117) {
				const entries = this.declared(tag === 118 ? 2 : 1, 'values');
				if (left.length >= MAX_VALUE_DEPTH) throw tooLarge(`nests values deeper than ${MAX_VALUE_DEPTH} levels`);
				left.push(entries);
				keyed.push(tag === 118);
			} else throw protocolError(`unknown value type ${tag}`);
		}
	}

	varInt(): void {
		for (let i = 0; i < 10; i++) if ((this.r.uint8() & 0x80) === 0) return;
		throw protocolError('integer out of range');
	}

	deleteSet(): void {
		const r = this.r;
		const max = this.limits.maxDeleteRangesPerUpdate;
		const clients = this.declared(2, 'delete-set clients');
		if (clients > max) throw tooLarge(`deletes in more than ${max} client sections`);
		let ranges = 0;
		for (let c = 0; c < clients; c++) {
			r.varUint(); // client
			const n = this.declared(2, 'delete ranges');
			ranges += n;
			if (ranges > max) throw tooLarge(`deletes more than ${max} ranges`);
			for (let i = 0; i < n; i++) {
				if (r.varUint() + r.varUint() > Number.MAX_SAFE_INTEGER) throw protocolError('clock out of range');
			}
		}
	}
}
