// The blind rule, in one place for REST, rooms, exports and notifications. Agreement means something only when
// people score without seeing each other's answers first, so:
// - on an item, an evaluator sees other people's scores, rationales, spans, sources and score proposals only after
//   she has submitted her own evaluation of that item (a draft does not count). Leads, managers and admins (who
//   never evaluate: permissions.ts) oversee the team's submitted work; anyone else sees nothing.
// - in a calibration session, a round's sheets stay blind to everyone but their author, the lead included, until
//   the round is revealed or the session closed (visibleSheets).
// - a model judge's scores (server/db/judge-scores.ts) are other people's work like any rater's: on an item they
//   follow seesOthersWork, in a calibration session roundIsOpen. The one exception is a judge suggestion, shown to
//   evaluators only when a lead turned suggestions on, labelled, and recorded on the evaluation (suggestionId).
// Pure: callers look up the facts (role, whether the viewer submitted) and ask here.
import type { CalibrationPhase, CalibrationScore } from '#shared/calibration';
import type { ProjectRole } from '#shared/roles';

export interface ItemViewer {
	/** The viewer's role in the item's project (permissions.projectRole); null when they have none. */
	role: ProjectRole | null;
	/** The viewer has a submitted evaluation of the item. */
	submitted: boolean;
}

/** May the viewer see other people's work (scores, rationales, spans, sources, proposals) on an item? */
export function seesOthersWork(viewer: ItemViewer): boolean {
	if (viewer.role === 'lead' || viewer.role === 'manager' || viewer.role === 'admin') return true;
	return viewer.role === 'evaluator' && viewer.submitted;
}

/** What a viewer may see of model judges' scores on an item (judgeSight). */
export interface JudgeSight {
	/** Every judge's scores, as other people's work (seesOthersWork). */
	all: boolean;
	/** The judge whose scores she may see as a labelled suggestion while she scores; null: none. */
	suggestedJudgeId: string | null;
}

/**
 * The blind rule for judges on an item. Their scores are other people's work; the one exception is the suggestion
 * a lead opted into (`suggestionsJudgeId`, project settings): whoever scores items (evaluators, leads) sees that
 * judge's scores before submitting, labelled, and the evaluation records it. Managers and admins never score.
 * Ask with `submitted: false` to learn what she is shown while scoring (what a save records).
 */
export function judgeSight(viewer: ItemViewer, suggestionsJudgeId: string | null): JudgeSight {
	const scores = viewer.role === 'evaluator' || viewer.role === 'lead';
	return {
		all: seesOthersWork(viewer),
		suggestedJudgeId: scores && suggestionsJudgeId ? suggestionsJudgeId : null
	};
}

/** Whether everyone may see a calibration round's sheets: once it is revealed, or once the session is closed. */
export function roundIsOpen(revealedAt: number | null, phase: CalibrationPhase): boolean {
	return revealedAt !== null || phase === 'closed';
}

export interface RoundFacts {
	round: number;
	revealedAt: number | null;
}

/**
 * Splits calibration sheets into what a viewer may see: every sheet of an open round, plus the viewer's own sheets
 * of the round still being scored (`mine`). Pass an empty viewer id for "no one in particular" (reports, proposals).
 * Nothing else leaves this function.
 */
export function visibleSheets(
	sheets: readonly CalibrationScore[],
	rounds: readonly RoundFacts[],
	phase: CalibrationPhase,
	viewerId: string,
	currentRound: number
) {
	const open = new Set(rounds.filter((r) => roundIsOpen(r.revealedAt, phase)).map((r) => r.round));
	return {
		open: sheets.filter((s) => open.has(s.round)),
		mine: sheets.filter(
			(s) => viewerId !== '' && s.round === currentRound && s.userId === viewerId && !open.has(s.round)
		)
	};
}
