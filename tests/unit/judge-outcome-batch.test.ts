// A judge run's outcomes go to the record several per transaction: a batch is recorded when it is full or when its
// first outcome has waited long enough, batches commit one after another, and nothing is announced before its batch
// has committed.
import { describe, expect, it } from 'vitest';
import { OutcomeBatch } from '../../server/judges/outcome-batch';
import type { ItemOutcome, RecordedState } from '../../server/db/judge-run-work';

const failed: ItemOutcome = { state: 'failed', error: 'HTTP 503', raw: null };

/** A batch whose record() calls wait until the test commits them. */
function batchUnderTest(maxItems = 3, maxWaitMs = 30) {
	const commits: { itemIds: string[]; commit: () => void; fail: (err: Error) => void }[] = [];
	const announced: string[][] = [];
	const errors: string[][] = [];
	const batch = new OutcomeBatch({
		maxItems,
		maxWaitMs,
		record: (outcomes) =>
			new Promise<Map<string, RecordedState>>((resolve, reject) => {
				const itemIds = outcomes.map((o) => o.itemId);
				commits.push({
					itemIds,
					commit: () => resolve(new Map(itemIds.map((id) => [id, 'failed'] as const))),
					fail: reject
				});
			}),
		onRecorded: (recorded) => announced.push([...recorded.keys()]),
		onError: (_err, itemIds) => errors.push(itemIds)
	});
	return { batch, commits, announced, errors };
}

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

describe('recording a run’s outcomes in batches', () => {
	it('records a full batch at once and announces it only after it committed', async () => {
		const { batch, commits, announced } = batchUnderTest(3);
		for (const id of ['a', 'b', 'c']) batch.add(id, failed);
		await tick();
		expect(commits.map((c) => c.itemIds)).toEqual([['a', 'b', 'c']]);
		expect(announced).toEqual([]);
		commits[0].commit();
		await batch.flush();
		expect(announced).toEqual([['a', 'b', 'c']]);
	});

	it('records a batch that is not full once its first outcome has waited maxWaitMs', async () => {
		const { batch, commits } = batchUnderTest(10, 30);
		batch.add('a', failed);
		await tick(5);
		batch.add('b', failed);
		expect(commits).toHaveLength(0);
		await tick(60);
		expect(commits.map((c) => c.itemIds)).toEqual([['a', 'b']]);
	});

	it('commits batches one after another, and keeps going after one fails', async () => {
		const { batch, commits, announced, errors } = batchUnderTest(1);
		batch.add('a', failed);
		batch.add('b', failed);
		await tick();
		// The second batch waits for the first to end.
		expect(commits.map((c) => c.itemIds)).toEqual([['a']]);
		commits[0].fail(new Error('database is locked'));
		await tick();
		expect(commits.map((c) => c.itemIds)).toEqual([['a'], ['b']]);
		commits[1].commit();
		await batch.flush();
		expect(errors).toEqual([['a']]);
		expect(announced).toEqual([['b']]);
	});
});
