// Random identifiers: 16 url-safe characters (~96 bits), valid in room names and URLs. An id never starts with
// '-' or '_', so it cannot be read as a command-line flag or as a spreadsheet formula once exported to CSV.
import { randomBytes } from 'node:crypto';

export function newId(): string {
	for (;;) {
		const id = randomBytes(12).toString('base64url');
		if (id[0] !== '-' && id[0] !== '_') return id;
	}
}

export function newSecret(bytes = 32): string {
	return randomBytes(bytes).toString('base64url');
}
