// Items' outcomes on their way to the record, several per transaction: one transaction per judged item was the
// largest part of what a run adds per item (BEGIN, the insert, two updates, COMMIT). An outcome waits until
// `maxItems` are gathered or `maxWaitMs` after the first one, then all are recorded together (flushes run one
// after another), and only then are they announced (`onRecorded`): a judge score is in the record before anything
// hears of it.
// What a crash loses: the outcomes gathered and not yet flushed (at most maxItems, at most maxWaitMs old). Their
// items are still pending with their attempts counted, so the next worker of the run sends them again while their
// attempt budget lasts; a score the endpoint gave is then asked for again, never stored twice (the unique key of
// judge evaluations).
import type { ItemOutcome, RecordedState } from '../db/judge-run-work';

export interface OutcomeBatchOptions {
	maxItems: number;
	maxWaitMs: number;
	/** Records a batch in one transaction; returns the state recorded per item (items no longer pending left out). */
	record(outcomes: { itemId: string; outcome: ItemOutcome }[]): Promise<Map<string, RecordedState>>;
	/** Runs after a batch committed. */
	onRecorded(recorded: Map<string, RecordedState>): void;
	/** A batch could not be recorded: its items stay pending for the next worker of the run. */
	onError(err: unknown, itemIds: string[]): void;
}

export class OutcomeBatch {
	#gathered: { itemId: string; outcome: ItemOutcome }[] = [];
	#timer: NodeJS.Timeout | null = null;
	#flushing: Promise<void> = Promise.resolve();

	constructor(private readonly options: OutcomeBatchOptions) {}

	add(itemId: string, outcome: ItemOutcome): void {
		this.#gathered.push({ itemId, outcome });
		if (this.#gathered.length >= this.options.maxItems) void this.flush();
		else this.#timer ??= setTimeout(() => void this.flush(), this.options.maxWaitMs);
	}

	/** Records what was gathered; resolves once it (and every flush before it) is committed or has failed. */
	flush(): Promise<void> {
		if (this.#timer) clearTimeout(this.#timer);
		this.#timer = null;
		const batch = this.#gathered;
		this.#gathered = [];
		if (batch.length)
			this.#flushing = this.#flushing.then(async () => {
				try {
					this.options.onRecorded(await this.options.record(batch));
				} catch (err) {
					this.options.onError(
						err,
						batch.map((b) => b.itemId)
					);
				}
			});
		return this.#flushing;
	}
}
