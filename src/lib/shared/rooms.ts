// Collaboration room names and the top-level keys of each room's Y.Doc (see DESIGN.md, "Rooms").
export type RoomKind = 'session' | 'item' | 'guideline';

export interface RoomName {
	kind: RoomKind;
	id: string;
}

const ROOM_PATTERN = /^(session|item|guideline):([A-Za-z0-9_-]{1,64})$/;

export function parseRoomName(name: string): RoomName | null {
	const m = ROOM_PATTERN.exec(name);
	return m ? { kind: m[1] as RoomKind, id: m[2] } : null;
}

export function roomName(kind: RoomKind, id: string): string {
	return `${kind}:${id}`;
}

/** Top-level shared types. `state` is written by the server only. */
export const ROOM_KEYS = {
	discussion: 'discussion',
	annotations: 'annotations',
	state: 'state',
	content: 'content'
} as const;
