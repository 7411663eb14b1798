// How a caller presents credentials, the same for REST requests and WebSocket upgrades: the session cookie's
// name, the Bearer token syntax, and when an Origin counts as our own (the cross-site request guard). Pure
// functions over header values, so the HTTP middleware and the collaboration upgrade apply one rule.
export const SESSION_COOKIE = 'concord_session';

export function bearerFrom(header: string | undefined): string | null {
	const m = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
	return m ? m[1] : null;
}

/** True when `origin` is listed in ALLOWED_ORIGINS or names the host this request was sent to. */
export function sameOrigin(
	requestUrl: string,
	hostHeader: string | undefined,
	origin: string,
	allowed: string[]
): boolean {
	if (allowed.includes(origin)) return true;
	try {
		const o = new URL(origin);
		const host = hostHeader ?? new URL(requestUrl).host;
		return o.host === host;
	} catch {
		return false;
	}
}
