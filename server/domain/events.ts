// A small synchronous event bus for domain events. Listener errors are logged by the caller-provided handler,
// never thrown into the request that emitted the event.
import type { DomainEventMap, DomainEventName } from './ports';

type Listener<K extends DomainEventName> = (payload: DomainEventMap[K]) => void;

export class DomainEvents {
	#listeners = new Map<DomainEventName, Listener<never>[]>();

	constructor(private readonly onError: (err: unknown, event: DomainEventName) => void) {}

	on<K extends DomainEventName>(event: K, listener: Listener<K>): void {
		const list = this.#listeners.get(event) ?? [];
		list.push(listener);
		this.#listeners.set(event, list);
	}

	emit<K extends DomainEventName>(event: K, payload: DomainEventMap[K]): void {
		for (const listener of this.#listeners.get(event) ?? []) {
			try {
				(listener as Listener<K>)(payload);
			} catch (err) {
				this.onError(err, event);
			}
		}
	}
}
