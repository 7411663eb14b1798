// Time spent on an item: counts only while running (the tab visible and the item open), starting from what
// earlier sessions already recorded. The clock is injected so tests drive it without sleeping.
export class TimeTracker {
	private base: number;
	private since: number | null = null;

	constructor(
		previousMs = 0,
		private readonly now: () => number = () => Date.now()
	) {
		this.base = previousMs;
	}

	get running(): boolean {
		return this.since !== null;
	}

	start(): void {
		if (this.since === null) this.since = this.now();
	}

	pause(): void {
		if (this.since === null) return;
		this.base += this.now() - this.since;
		this.since = null;
	}

	/** Starts over from `previousMs` (e.g. what the server recorded), keeping the clock running if it was. */
	resetTo(previousMs: number): void {
		this.base = previousMs;
		if (this.since !== null) this.since = this.now();
	}

	/** Milliseconds spent so far, whole. */
	elapsed(): number {
		return Math.round(this.base + (this.since === null ? 0 : this.now() - this.since));
	}
}
