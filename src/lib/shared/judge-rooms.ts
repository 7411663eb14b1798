// Judges where decisions are made: what the adjudication room, the calibration reveal and the item workspace get of
// model judges' scores (always apart from the human columns, never counted in human agreement), and the reason an
// escalation carries when a judge disagrees with the people. Shared by server and browser.
import type { JudgeScore } from './judges';

/** A judge's newest scores on an item as a room shows them: with the guideline version the judge was given. */
export interface JudgeColumn extends JudgeScore {
	/** The number of the guideline version the judge was given (null: none, or one no longer known). */
	guidelineNumber: number | null;
	/** The judge was given an older guideline version than the project's current one. */
	outdated: boolean;
}

/** What the item workspace may show of judges (GET /api/items/:id/judges). */
export interface ItemJudges {
	/** Every judge's scores: only once the viewer may see other people's work on the item (the blind rule). */
	judges: JudgeColumn[];
	/**
	 * The opted-in pre-annotation: the chosen judge's scores, shown while the viewer scores (suggestions on),
	 * labelled as a suggestion; recorded on her evaluation (suggestionId) when she saves it. Null otherwise.
	 */
	suggestion: JudgeColumn | null;
}

/** The reason of the escalations the server opens when a judge differs from the human majority. */
export const JUDGE_DISAGREEMENT_REASON = 'judge_disagreement';
