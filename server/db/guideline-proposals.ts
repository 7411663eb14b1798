// The case behind "propose a guideline change": an escalation (with its verdict) or one item of a calibration
// session (with its consensus), summarised for the editor's side panel, with the rubric dimension it is about
// when one can be told (the escalation's own dimension, else where the verdict departs most from the evaluators,
// or where calibration participants spread the most in the last revealed round).
import { and, eq } from 'drizzle-orm';
import type { Db } from './client';
import { first } from './client';
import { calibrationConsensus, items } from '../../drizzle/schema';
import type { ProposalCase, ProposalRef } from '#shared/guideline';
import type { Scores } from '#shared/evaluation';
import { getEscalationView, rubricForItem } from './escalations';
import { evaluationsForItems } from './evaluations';
import { getRubric } from './projects';
import { getCalibration, roundsOf, sessionItemRow, sheetsOf } from './calibrations';
import { visibleSheets } from '../domain/blind';
import { itemExcerpt } from '#shared/item-excerpt';

type Dim = { key: string; label: string };

function labelled(key: string | null | undefined, dims: Dim[]): Dim | null {
	if (!key) return null;
	return dims.find((d) => d.key === key) ?? { key, label: key };
}

/** The dimension whose values spread the most (most distinct values) across a set of score sheets. */
function mostDisputed(sheets: Scores[], dims: Dim[]): Dim | null {
	let best: Dim | null = null;
	let bestCount = 1;
	for (const d of dims) {
		const values = new Set(sheets.map((s) => JSON.stringify(s[d.key] ?? null)).filter((v) => v !== 'null'));
		if (values.size > bestCount) {
			best = d;
			bestCount = values.size;
		}
	}
	return best;
}

/** The dimension where evaluators' scores depart most from the verdict (numeric distance, else mismatches). */
function furthestFromVerdict(sheets: Scores[], verdict: Scores, dims: Dim[]): Dim | null {
	let best: Dim | null = null;
	let bestGap = 0;
	for (const d of dims) {
		const v = verdict[d.key];
		if (v === undefined || v === null) continue;
		let gap = 0;
		for (const s of sheets) {
			const mine = s[d.key];
			if (mine === undefined || mine === null) continue;
			gap += typeof v === 'number' && typeof mine === 'number' ? Math.abs(v - mine) : mine === v ? 0 : 1;
		}
		if (gap > bestGap) {
			best = d;
			bestGap = gap;
		}
	}
	return best;
}

const itemRow = (db: Db, id: string) => first(db.select().from(items).where(eq(items.id, id)).limit(1));

export async function proposalCase(db: Db, projectId: string, ref: ProposalRef): Promise<ProposalCase | null> {
	if (ref.kind === 'escalation') {
		const e = await getEscalationView(db, ref.id);
		if (!e || e.projectId !== projectId) return null;
		const item = await itemRow(db, e.itemId);
		if (!item) return null;
		const dims = (await rubricForItem(db, item))?.dimensions ?? [];
		let dimension = labelled(e.dimension, dims);
		if (!dimension && e.verdict) {
			const sheets = (await evaluationsForItems(db, [item.id], { submittedOnly: true })).map((x) => x.scores);
			dimension = furthestFromVerdict(sheets, e.verdict.scores, dims);
		}
		return {
			ref: `escalation:${e.id}`,
			kind: 'escalation',
			title: e.reason,
			itemId: item.id,
			itemExcerpt: itemExcerpt({ modality: item.modality as never, payload: item.payload }, 200),
			modality: item.modality,
			dimension,
			reason: e.verdict?.reasonCode ?? e.reason,
			note: e.note,
			outcome: e.verdict?.note ?? e.state,
			escalationId: e.id
		};
	}
	const session = await getCalibration(db, ref.id);
	if (!session || session.projectId !== projectId) return null;
	const inSession = await sessionItemRow(db, ref.id, ref.itemId);
	const item = inSession && (await itemRow(db, ref.itemId));
	if (!item) return null;
	const dims = (await getRubric(db, session.rubricId))?.dimensions ?? [];
	const consensus = await first(
		db
			.select()
			.from(calibrationConsensus)
			.where(and(eq(calibrationConsensus.calibrationId, ref.id), eq(calibrationConsensus.itemId, ref.itemId)))
			.limit(1)
	);
	// Only revealed rounds count: a proposal drafted during blind scoring must not tell where the sheets disagree.
	const { open } = visibleSheets(
		await sheetsOf(db, session.id),
		await roundsOf(db, session.id),
		session.phase,
		'',
		session.round
	);
	const sheets = open.filter((s) => s.itemId === item.id);
	const lastRound = Math.max(0, ...sheets.map((s) => s.round));
	return {
		ref: `calibration:${session.id}:${item.id}`,
		kind: 'calibration',
		title: session.title,
		itemId: item.id,
		itemExcerpt: itemExcerpt({ modality: item.modality as never, payload: item.payload }, 200),
		modality: item.modality,
		dimension: mostDisputed(
			sheets.filter((s) => s.round === lastRound).map((s) => s.scores),
			dims
		),
		reason: null,
		note: '',
		outcome: consensus?.note ?? '',
		escalationId: null
	};
}
