// The closing report of a calibration session, computed from revealed sheets only (a round still being scored
// contributes nothing): agreement per dimension per round (with the same items' agreement in their previous
// round, so a re-score round compares like with like), each participant's distance from the consensus, the
// items still contested (no consensus and not unanimous in their last revealed round), and time spent. Pure.
import type {
	CalibrationConsensus,
	CalibrationHeader,
	CalibrationReport,
	CalibrationRoundInfo,
	CalibrationScore,
	ReportContested,
	ReportParticipant,
	ReportRound
} from '#shared/calibration';
import type { Scores } from '#shared/evaluation';
import { dimensionsFor, type Rubric } from '#shared/rubric';
import {
	alphaFigures,
	itemFigures,
	meanFigure,
	pooledFigures,
	scoreDistance,
	SESSION_METRIC
} from './calibration-agreement';

export interface ReportInput {
	calibration: CalibrationHeader;
	rubric: Rubric;
	items: { id: string; externalId: string | null; modality: string; excerpt: string }[];
	participants: { id: string; name: string }[];
	rounds: CalibrationRoundInfo[];
	/** Sheets of revealed rounds only. */
	sheets: CalibrationScore[];
	consensus: CalibrationConsensus[];
	threshold: number;
	now: number;
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

function sheetsFor(sheets: CalibrationScore[], round: number, itemId: string): Scores[] {
	return sheets.filter((s) => s.round === round && s.itemId === itemId).map((s) => s.scores);
}

function reportRounds(r: ReportInput): ReportRound[] {
	const revealed = r.rounds.filter((x) => r.sheets.some((s) => s.round === x.round));
	return revealed.map((info) => {
		const perItem = info.itemIds.map((id) => sheetsFor(r.sheets, info.round, id));
		const dimensions = pooledFigures(r.rubric.dimensions, perItem).filter((d) => d.ratings > 0);
		let before: ReportRound['before'] = null;
		if (info.round > 1) {
			const earlier = info.itemIds.map((id) => {
				const previous = r.sheets.filter((s) => s.itemId === id && s.round < info.round).map((s) => s.round);
				return previous.length ? sheetsFor(r.sheets, Math.max(...previous), id) : [];
			});
			before = pooledFigures(r.rubric.dimensions, earlier).filter((d) => d.ratings > 0);
		}
		const end = info.revealedAt ?? r.calibration.closedAt ?? r.now;
		const alpha = alphaFigures(
			r.rubric.dimensions,
			r.sheets.filter((s) => s.round === info.round)
		);
		return {
			round: info.round,
			startedAt: info.startedAt,
			revealedAt: info.revealedAt,
			items: info.itemIds.length,
			dimensions,
			before,
			alpha,
			overall: meanFigure(dimensions),
			durationMs: Math.max(0, end - info.startedAt)
		};
	});
}

function deviations(r: ReportInput): ReportParticipant[] {
	const modality = new Map(r.items.map((i) => [i.id, i.modality]));
	return r.participants.map((p) => {
		const mine = r.sheets.filter((s) => s.userId === p.id);
		const perDim = new Map<string, number[]>();
		for (const c of r.consensus) {
			const rounds = mine.filter((s) => s.itemId === c.itemId);
			if (!rounds.length) continue;
			const last = rounds.reduce((a, b) => (b.round > a.round ? b : a));
			for (const dim of dimensionsFor(r.rubric, modality.get(c.itemId) ?? '')) {
				const d = scoreDistance(dim, last.scores[dim.key], c.scores[dim.key]);
				if (d === null) continue;
				perDim.set(dim.key, [...(perDim.get(dim.key) ?? []), d]);
			}
		}
		const byDimension: Record<string, number | null> = {};
		for (const [key, xs] of perDim) byDimension[key] = mean(xs);
		return {
			id: p.id,
			name: p.name,
			deviation: mean([...perDim.values()].flat()),
			byDimension,
			sheets: mine.length,
			timeSpentMs: mine.reduce((a, s) => a + s.timeSpentMs, 0)
		};
	});
}

function contested(r: ReportInput): ReportContested[] {
	const decided = new Set(r.consensus.map((c) => c.itemId));
	const out: ReportContested[] = [];
	for (const item of r.items) {
		if (decided.has(item.id)) continue;
		const rounds = r.sheets.filter((s) => s.itemId === item.id).map((s) => s.round);
		if (!rounds.length) continue;
		const figures = itemFigures(
			dimensionsFor(r.rubric, item.modality),
			sheetsFor(r.sheets, Math.max(...rounds), item.id)
		).filter((f) => f.value !== null);
		const lowest = figures.reduce<(typeof figures)[number] | null>(
			(low, f) => (low === null || f.value! < low.value! ? f : low),
			null
		);
		if (lowest && lowest.value! < 1)
			out.push({
				itemId: item.id,
				externalId: item.externalId,
				excerpt: item.excerpt,
				lowest: { key: lowest.key, value: lowest.value },
				hasConsensus: false
			});
	}
	return out.sort((a, b) => (a.lowest?.value ?? 1) - (b.lowest?.value ?? 1));
}

export function buildReport(r: ReportInput): CalibrationReport {
	const rounds = reportRounds(r);
	return {
		calibration: r.calibration,
		rubric: {
			id: r.rubric.id,
			name: r.rubric.name,
			dimensions: r.rubric.dimensions.filter((d) => d.scale !== 'text').map((d) => ({ key: d.key, label: d.label })),
			// So the report reads in each viewer's language (the browser picks the text; keys stay the record).
			locale: r.rubric.locale,
			translations: r.rubric.translations
		},
		metric: SESSION_METRIC,
		threshold: r.threshold,
		rounds,
		participants: deviations(r),
		contested: contested(r),
		consensusCount: r.consensus.length,
		itemCount: r.items.length,
		time: {
			totalMs: Math.max(0, (r.calibration.closedAt ?? r.now) - r.calibration.createdAt),
			scoringMs: rounds.reduce((a, x) => a + x.durationMs, 0),
			participantMs: r.sheets.reduce((a, s) => a + s.timeSpentMs, 0)
		}
	};
}
