// A small event bus for domain events. `emit` runs the listeners one after another, awaiting each (a listener
// may write to the record, e.g. webhook deliveries or an automatic escalation), and settles once all have run,
// so a request that awaits it answers after their effects. Listener errors are logged by the caller-provided
// handler, never thrown into the request that emitted the event.
import type { DomainEventMap, DomainEventName } from './ports';

type Listener<K extends DomainEventName> = (payload: DomainEventMap[K]) => void | Promise<void>;

export class DomainEvents {
	#listeners = new Map<DomainEventName, Listener<never>[]>();

	constructor(private readonly onError: (err: unknown, event: DomainEventName) => void) {}

	on<K extends DomainEventName>(event: K, listener: Listener<K>): void {
		const list = this.#listeners.get(event) ?? [];
		list.push(listener);
		this.#listeners.set(event, list);
	}

	/** Runs every listener of the event in registration order; never rejects. */
	async emit<K extends DomainEventName>(event: K, payload: DomainEventMap[K]): Promise<void> {
		for (const listener of this.#listeners.get(event) ?? []) {
			try {
				await (listener as Listener<K>)(payload);
			} catch (err) {
				this.onError(err, event);
			}
		}
	}
}
