// The awareness (presence) state every client publishes in a room, and helpers to show it. The server stamps
// `user.id` and `user.name` with the authenticated identity; `color` and `focus` are the client's own.
interface PresenceUser {
	id: string;
	name: string;
	color: string;
}

export interface PresenceFocus {
	itemId?: string;
	anchor?: unknown;
}

export interface PresenceState {
	user: PresenceUser;
	focus?: PresenceFocus;
}

export interface Peer extends PresenceState {
	clientId: number;
	/** This browser tab. */
	self: boolean;
}

/** Colours readable with white initials on light and dark backgrounds. */
const PALETTE = [
	'#4f46e5',
	'#0f766e',
	'#b45309',
	'#be123c',
	'#7c3aed',
	'#0369a1',
	'#15803d',
	'#c2410c',
	'#a21caf',
	'#1d4ed8'
];

export function colorFor(userId: string): string {
	let h = 0;
	for (let i = 0; i < userId.length; i++) h = (Math.imul(h, 31) + userId.charCodeAt(i)) >>> 0;
	return PALETTE[h % PALETTE.length];
}

export function initials(name: string): string {
	const parts = name.trim().split(/\s+/).filter(Boolean);
	if (parts.length === 0) return '?';
	const first = parts[0][0] ?? '';
	const last = parts.length > 1 ? (parts[parts.length - 1][0] ?? '') : '';
	return (first + last).toUpperCase();
}

function toPresence(v: unknown): PresenceState | null {
	if (typeof v !== 'object' || v === null) return null;
	const user = (v as { user?: unknown }).user;
	if (typeof user !== 'object' || user === null) return null;
	const { id, name, color } = user as Record<string, unknown>;
	if (typeof id !== 'string' || typeof name !== 'string') return null;
	const focus = (v as { focus?: unknown }).focus;
	return {
		user: { id, name, color: typeof color === 'string' && /^#[0-9a-f]{6}$/i.test(color) ? color : colorFor(id) },
		focus: typeof focus === 'object' && focus !== null ? focus : undefined
	};
}

/** One entry per person (several tabs of one person show once, this tab first), sorted by name. */
export function peersFrom(states: Map<number, unknown>, selfClientId: number): Peer[] {
	const byUser = new Map<string, Peer>();
	for (const [clientId, raw] of states) {
		const presence = toPresence(raw);
		if (!presence) continue;
		const peer: Peer = { ...presence, clientId, self: clientId === selfClientId };
		const seen = byUser.get(presence.user.id);
		if (!seen || (peer.self && !seen.self)) byUser.set(presence.user.id, peer);
	}
	return [...byUser.values()].sort((a, b) => Number(b.self) - Number(a.self) || a.user.name.localeCompare(b.user.name));
}
