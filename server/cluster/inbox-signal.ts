// Tells a person's open pages, on whichever node they are connected to, that their notifications changed. The
// node that wrote the notifications pokes its own subscribers and publishes the recipients on the cluster bus
// (a control message); every other node pokes its subscribers for those users. A poke carries no content: the
// subscriber reads the inbox again with the user's own rights, so nothing of one person reaches another.
import type { ClusterBus } from './bus';

export interface InboxSubscription {
	/** Called when the user's notifications changed. */
	poke(): void;
	/** Called when the node shuts down: the subscriber ends its stream. */
	close(): void;
}

export class InboxSignal {
	readonly #byUser = new Map<string, Set<InboxSubscription>>();

	constructor(private readonly bus: ClusterBus) {
		bus.onControl((m) => {
			if (m.type === 'notified') this.#poke(m.userIds);
		});
	}

	/** Starts receiving pokes for one user; returns the function that stops them. */
	subscribe(userId: string, subscription: InboxSubscription): () => void {
		const set = this.#byUser.get(userId) ?? new Set();
		set.add(subscription);
		this.#byUser.set(userId, set);
		return () => {
			set.delete(subscription);
			if (!set.size && this.#byUser.get(userId) === set) this.#byUser.delete(userId);
		};
	}

	/** These users have new notifications (called once they are committed). */
	announce(userIds: readonly string[]): void {
		if (!userIds.length) return;
		this.#poke(userIds);
		if (this.bus.shared) this.bus.publishControl({ type: 'notified', userIds: [...userIds] });
	}

	/**
	 * These users' credentials ended (an account deactivated): their streams on every node end. A poke makes a
	 * stream check its credential before it reads again (routes/notifications.ts), and one that no longer signs
	 * anyone in ends; the same message as a notification carries the poke to the other nodes.
	 */
	signedOut(userIds: readonly string[]): void {
		this.announce(userIds);
	}

	/** Ends every subscription (the node drains: open streams must not hold it up). */
	close(): void {
		for (const set of this.#byUser.values()) for (const s of set) s.close();
		this.#byUser.clear();
	}

	#poke(userIds: readonly string[]): void {
		for (const id of userIds) for (const s of this.#byUser.get(id) ?? []) s.poke();
	}
}
