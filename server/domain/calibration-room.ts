// Mirrors a calibration session's public state (phase, round, who submitted, revealed sheets with agreement,
// consensus) into its `session:<id>` room under the server-only `state` map, so every open screen sees a
// decision the moment it is committed. Only CalibrationPublicState goes in: blind sheets never do, nor judges'
// scores on a round not revealed (publicState keeps them inside open rounds: blind.ts, roundIsOpen).
import type { RoomWriter, ErrorLog } from './ports';
import { CALIBRATION_STATE_KEY, type CalibrationPublicState } from '#shared/calibration';
import { ROOM_KEYS, roomName } from '#shared/rooms';

export async function mirrorCalibration(
	rooms: RoomWriter,
	logger: ErrorLog,
	state: CalibrationPublicState
): Promise<void> {
	// A JSON round trip keeps the value plain (no undefined, no prototypes) for Yjs' ContentAny encoding.
	const value = JSON.parse(JSON.stringify(state)) as CalibrationPublicState;
	try {
		await rooms.update(roomName('session', state.calibration.id), (doc) => {
			doc.getMap(ROOM_KEYS.state).set(CALIBRATION_STATE_KEY, value);
		});
	} catch (err) {
		// The decision is committed in the record; clients that miss the mirror catch up from the REST view.
		logger.error({ err, calibrationId: state.calibration.id }, 'could not mirror the calibration into its room');
	}
}

/**
 * Whether the room shows model judges' scores on any of the items: only inside a round that is open (revealed, or
 * the session closed), which is all publicState ever puts in `revealed`. New judge scores on other items change
 * nothing anyone may see, so they are not mirrored (a round being scored stays blind to judges too).
 */
export function showsJudgesOf(state: CalibrationPublicState, itemIds: readonly string[]): boolean {
	return state.revealed.some((round) => itemIds.some((itemId) => Object.hasOwn(round.judges, itemId)));
}
