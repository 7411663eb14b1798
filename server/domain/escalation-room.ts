// Mirrors an escalation's decided state (state, claim, verdict) into its item's collaboration room, under the
// server-only `state` map, so every open adjudication screen sees a decision the moment it is committed. It also
// makes sure the room has its shared `annotations.proposals` map, so clients never race to create it.
import * as Y from 'yjs';
import type { RoomWriter, ErrorLog } from './ports';
import { escalationStateKey, PROPOSALS_KEY, type EscalationView } from '#shared/escalation';
import { ROOM_KEYS, roomName } from '#shared/rooms';

export async function mirrorEscalation(rooms: RoomWriter, logger: ErrorLog, view: EscalationView): Promise<void> {
	try {
		await rooms.update(roomName('item', view.itemId), (doc) => {
			doc.getMap(ROOM_KEYS.state).set(escalationStateKey(view.id), view);
			const annotations = doc.getMap(ROOM_KEYS.annotations);
			if (!(annotations.get(PROPOSALS_KEY) instanceof Y.Map)) annotations.set(PROPOSALS_KEY, new Y.Map());
		});
	} catch (err) {
		// The decision is already committed in the record; a room that cannot be written catches up from the REST view.
		logger.error({ err, escalationId: view.id }, 'could not mirror the escalation into its room');
	}
}
