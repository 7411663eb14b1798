// Identifiers: 16 url-safe characters (12 bytes), valid in room names and URLs: the creation time in milliseconds
// (6 bytes, big-endian) then 6 random bytes. The time first keeps the rows a moment writes (an evaluation, its
// assignment, its audit row, the items of one import) side by side in every index keyed by id, instead of one
// random page each: with random ids, writing 270,000 evaluations spent two thirds of its commit time writing
// index pages back (`seed:scale`, README). Ids are names, not secrets (an id tells when it was made, as the row's
// createdAt does); secrets (newSecret) come straight from the generator, never from the pool. An id never starts
// with '-' or '_' (its first character is the time's top six bits: 'A' until 2109, '-' not before the year 10,000),
// so it cannot be read as a command-line flag or as a spreadsheet formula once exported to CSV.
// The random bytes are drawn from a pool refilled 4 KiB at a time (as Node does for randomUUID): a call into the
// system's generator per id cost a tenth of the time of writing 270,000 evaluations.
import { createHash, randomBytes } from 'node:crypto';

const ID_BYTES = 12;
const TIME_BYTES = 6;
const RANDOM_BYTES = ID_BYTES - TIME_BYTES;
const POOL_BYTES = RANDOM_BYTES * 682;
let pool = Buffer.alloc(0);
let offset = 0;

export function newId(): string {
	if (offset + RANDOM_BYTES > pool.length) {
		pool = randomBytes(POOL_BYTES);
		offset = 0;
	}
	const id = Buffer.allocUnsafe(ID_BYTES);
	id.writeUIntBE(Date.now(), 0, TIME_BYTES);
	pool.copy(id, TIME_BYTES, offset, offset + RANDOM_BYTES);
	offset += RANDOM_BYTES;
	return id.toString('base64url');
}

export function newSecret(bytes = 32): string {
	return randomBytes(bytes).toString('base64url');
}

/** How a secret handed to a person (session cookie, token, invitation or reset link) is stored: its sha256. */
export function secretHash(secret: string): string {
	return createHash('sha256').update(secret).digest('hex');
}
