// One check for every place that accepts rubric scores (evaluations, calibration sheets, consensus, verdicts):
// the scores must fit the rubric for the item's modality, else a Validation error naming each bad score as
// `scores.<dimension>`. The rule itself (validateScores) is shared with the browser, which shows the same problems.
import { validateScores, type Scores } from '#shared/evaluation';
import type { RubricDefinition } from '#shared/rubric';
import { Validation } from './errors';

export function assertScoresFit(
	rubric: RubricDefinition,
	modality: string,
	scores: Scores,
	mode: 'draft' | 'submitted'
): void {
	const problems = validateScores(rubric, modality, scores, mode);
	if (problems.length)
		throw Validation(
			'Some scores do not fit the rubric',
			problems.map((p) => ({ path: `scores.${p.key}`, message: p.message }))
		);
}
