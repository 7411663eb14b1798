// Outside events that should make a view load again — a timer, and the window regaining focus — turned into
// something runes can depend on. A Query's loader calls the returned function; from then on the Query loads
// again on every tick (aborting a request still in flight). The timer and the listener exist only while some
// effect depends on them, so they stop when the component that created the Query is destroyed.
import { createSubscriber } from 'svelte/reactivity';
import { on } from 'svelte/events';

export function refreshEvery(ms: number): () => void {
	return createSubscriber((update) => {
		const timer = setInterval(update, ms);
		const off = on(window, 'focus', update);
		return () => {
			clearInterval(timer);
			off();
		};
	});
}
