// The most common passwords (common-passwords.txt, one a line, lower case), loaded once on first use. The list
// is short on purpose: it stops the passwords every guessing attack tries first; length does the rest.
import { readFileSync } from 'node:fs';

let loaded: ReadonlySet<string> | null = null;

export function commonPasswords(): ReadonlySet<string> {
	loaded ??= new Set(
		readFileSync(new URL('./common-passwords.txt', import.meta.url), 'utf8')
			.split('\n')
			.map((line) => line.trim().toLowerCase())
			.filter(Boolean)
	);
	return loaded;
}
