// The open connections of this process by user, for what acts on a person rather than a room. Guarantees:
// - recheck(userId) re-evaluates the user's connections against the record: revoked ones close with 4403, the
//   rest take the new read/write rights in place; it resolves once that is done. When re-checks of one user
//   overlap, only the latest one applies its answers (it read the record last), so a slower, older answer never
//   restores rights that were taken away;
// - rename(userId, name) gives the user's connections their new display name (the name the write guard requires
//   on new comments, replies, highlights and proposals);
// - disconnect({ sessionId } | { tokenId } | { userId }) closes every matching connection at once with 4401 (its
//   credential is gone); a closed connection is detached before the call returns.
import type { CredentialFilter } from '../domain/ports';
import type { Logger } from '../logger';
import { CLOSE_CODES } from './close-codes';
import type { Connection } from './connection';
import type { RoomPermission, RoomTarget } from './room-access';

export type PermissionLookup = (target: RoomTarget, userId: string) => Promise<RoomPermission>;

export class UserConnections {
	readonly #byUser = new Map<string, Set<Connection>>();
	/** The latest re-check of each user being re-checked. */
	readonly #rechecks = new Map<string, symbol>();

	constructor(
		private readonly logger: Logger,
		private readonly permissionOf: PermissionLookup
	) {}

	add(conn: Connection): void {
		let mine = this.#byUser.get(conn.user.id);
		if (!mine) this.#byUser.set(conn.user.id, (mine = new Set()));
		mine.add(conn);
	}

	delete(conn: Connection): void {
		const mine = this.#byUser.get(conn.user.id);
		mine?.delete(conn);
		if (mine?.size === 0) this.#byUser.delete(conn.user.id);
	}

	async recheck(userId: string): Promise<void> {
		const conns = [...(this.#byUser.get(userId) ?? [])];
		const check = Symbol('recheck');
		this.#rechecks.set(userId, check);
		// One lookup per room, however many connections the user has in it.
		const byRoom = new Map<string, Promise<RoomPermission | null>>();
		const lookup = (target: RoomTarget) =>
			this.permissionOf(target, userId).catch((err: unknown) => {
				this.logger.error({ err, room: target.name, user: userId }, 'could not re-check room access');
				return null;
			});
		const permissions = await Promise.all(
			conns.map((conn) => {
				let permission = byRoom.get(conn.target.name);
				if (!permission) byRoom.set(conn.target.name, (permission = lookup(conn.target)));
				return permission;
			})
		);
		if (this.#rechecks.get(userId) !== check) return;
		this.#rechecks.delete(userId);
		conns.forEach((conn, i) => {
			const permission = permissions[i];
			if (!permission || conn.closed) return;
			if (permission.access === null) {
				this.logger.info(
					{
						event: 'collab.reject',
						room: conn.target.name,
						user: userId,
						code: CLOSE_CODES.forbidden,
						reason: 'access revoked'
					},
					'collab access revoked'
				);
				conn.close(CLOSE_CODES.forbidden, 'Your access to this room was removed');
				return;
			}
			conn.access = permission.access;
			conn.writable = permission.writable;
			conn.moderator = permission.moderator;
		});
	}

	rename(userId: string, name: string): void {
		for (const conn of this.#byUser.get(userId) ?? []) conn.user = { ...conn.user, name };
	}

	disconnect(which: CredentialFilter): number {
		const matches = (conn: Connection) =>
			'sessionId' in which
				? conn.user.sessionId === which.sessionId
				: 'tokenId' in which
					? conn.user.tokenId === which.tokenId
					: conn.user.id === which.userId;
		let closed = 0;
		for (const conns of [...this.#byUser.values()]) {
			for (const conn of [...conns]) {
				if (!matches(conn)) continue;
				this.logger.info(
					{
						event: 'collab.reject',
						room: conn.target.name,
						user: conn.user.id,
						code: CLOSE_CODES.unauthenticated,
						reason: 'credential ended',
						conn: conn.id
					},
					'collab credential ended'
				);
				conn.close(CLOSE_CODES.unauthenticated, 'You were signed out');
				closed++;
			}
		}
		return closed;
	}
}
