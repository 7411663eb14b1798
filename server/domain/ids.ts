// Random identifiers: 16 url-safe characters (~96 bits), valid in room names and URLs.
import { randomBytes } from 'node:crypto';

export function newId(): string {
	return randomBytes(12).toString('base64url');
}

export function newSecret(bytes = 32): string {
	return randomBytes(bytes).toString('base64url');
}
