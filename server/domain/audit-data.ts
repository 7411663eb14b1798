// What an audit row may record. The trail is read by leads, managers and admins and downloaded as CSV, so it never
// holds a credential: no password or its hash, no session, API token or single-use link token or their hashes, no
// signing secret, no OIDC nonce or verifier, no URL credentials. `assertNoSecrets` is checked on every write
// (db/audit.ts): a top-level key that names a secret is a programming error, refused before it reaches the record.
// `redactedUrl` is how a URL that may carry a credential (a webhook's: Slack-style paths are the secret) is recorded.

/**
 * Keys that name a secret or its hash (`tokenId`, `expiresInDays`, a `method: 'password'` value pass). Only the
 * data's own keys are checked: nested objects hold keys people chose (a rubric dimension named `secret_leak`).
 */
const SECRET_KEY = /password|secret|hash|cookie|verifier|nonce|^token$|token$/i;

function secretKeysIn(data: unknown): string[] {
	if (typeof data !== 'object' || data === null || Array.isArray(data)) return [];
	return Object.keys(data).filter((key) => SECRET_KEY.test(key));
}

export function assertNoSecrets(action: string, data: unknown): void {
	const found = secretKeysIn(data);
	if (found.length) throw new Error(`audit ${action}: data must not hold secrets (${found.join(', ')})`);
}

/** The URL's origin only: user info, path, query and fragment may each carry a credential. */
export function redactedUrl(url: string): string {
	try {
		const parsed = new URL(url);
		const rest = parsed.pathname !== '/' || parsed.search || parsed.hash ? '/…' : '';
		return `${parsed.origin}${rest}`;
	} catch {
		return '(not a URL)';
	}
}
