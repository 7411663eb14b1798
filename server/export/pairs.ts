// `pairs`: training-ready preference pairs (prompt, chosen, rejected) from pairwise items, one JSON line per pair,
// with where the preference came from (gold, verdict or majority) and the vote counts. Ties are skipped.
import { evaluationsByItem, iterateItems, verdictsByItem } from '../db/export-queries';
import {
	majority,
	pairsFor,
	preferenceDimension,
	readPreference,
	TIE,
	type PairwisePayload
} from '../domain/preference';
import { json, line, type ExportContext } from './context';

type Scores = Record<string, unknown>;

export async function* preferencePairs(ctx: ExportContext): AsyncGenerator<string> {
	const keyByRubric = new Map<string, string>();
	for (const r of ctx.rubrics) {
		const dim = preferenceDimension(r.definition);
		if (dim) keyByRubric.set(r.id, dim.key);
	}
	// Gold answers and verdicts carry no rubric id: newest rubric's key first.
	const keys = [...new Set([...keyByRubric.values()].reverse())];
	const evaluations = evaluationsByItem(
		ctx.snap,
		ctx.projectId,
		{ ...ctx.filters, state: 'submitted' },
		{ modality: 'pairwise' }
	);
	const verdicts = verdictsByItem(ctx.snap, ctx.projectId, { modality: 'pairwise' });
	const decided = (scores: Scores | null, ids: string[]) => {
		const key = scores ? keys.find((k) => scores[k] !== undefined && scores[k] !== null) : undefined;
		return key === undefined ? undefined : readPreference(scores![key], ids);
	};
	try {
		for await (const item of iterateItems(ctx.snap, ctx.projectId, { modality: 'pairwise' })) {
			const payload = json<PairwisePayload>(item.payload)!;
			const ids = payload.responses.map((r) => r.id);
			const gold = json<Scores>(item.gold);
			// A verdict or consensus stores its answer as the item's gold, under `scores`; imported gold is flat.
			let source: 'gold' | 'verdict' | 'majority' = gold?.source === 'verdict' ? 'verdict' : 'gold';
			let winner = decided(gold && typeof gold.scores === 'object' ? (gold.scores as Scores) : gold, ids);
			if (winner === undefined) {
				source = 'verdict';
				const [latest] = await verdicts.of(item);
				winner = decided(json<Scores>(latest?.scores ?? null), ids);
			}
			const votes: string[] = [];
			for (const e of await evaluations.of(item)) {
				const key = keyByRubric.get(e.rubric_id);
				const vote = key ? readPreference((json<Scores>(e.scores) ?? {})[key], ids) : null;
				if (vote) votes.push(vote);
			}
			const tally = majority(votes);
			if (winner === undefined) {
				source = 'majority';
				winner = tally.winner;
			}
			if (!winner || winner === TIE) continue;
			for (const pair of pairsFor(payload, winner)) {
				yield line({
					...pair,
					itemId: item.id,
					externalId: item.external_id,
					language: item.language,
					source,
					votes: tally.votes
				});
			}
		}
	} finally {
		await evaluations.close();
		await verdicts.close();
	}
}
