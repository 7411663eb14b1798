// Evaluations: save a draft or submit (validated against the rubric, stamped with rubric and guideline version),
// and read them (evaluators only their own; leads and managers all), each with when it was sent back for re-review.
// A save records the judge suggestion the evaluator was shown, if any (suggestionId).
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../env';
import { allowed, requireFound, requireItem, requireUser } from '../access';
import { validate } from '../validate';
import { doc } from '../openapi';
import { evaluationInputSchema, type EvaluationInput } from '#shared/evaluation';
import { getRubric } from '../../db/projects';
import { activeSuggestionJudge } from '../../db/judge-columns';
import { judgeScoreFor } from '../../db/judge-scores';
import { judgeSight } from '../../domain/blind';
import {
	autosaveUnchanged,
	evaluationsForItems,
	itemForSave,
	knownSaveContext,
	rememberSaveContext,
	saveEvaluation,
	toEvaluation,
	versionAcknowledgement,
	type ItemForSave,
	type SaveEvaluation
} from '../../db/evaluations';
import { reviewRequests } from '../../db/queue';
import { AppError, Validation } from '../../domain/errors';
import { assertScoresFit } from '../../domain/scores';

const app = new Hono<AppEnv>();

/**
 * The checks of a save against the item's context (undefined: no item) with the caller's role in it: permission,
 * rubric, scores, flags, the acknowledged guideline version of a submission, and the judge suggestion she is
 * shown. What to save comes back, with who saves it.
 */
async function checkedSave(c: Context<AppEnv>, input: EvaluationInput, context: ItemForSave | undefined) {
	const { db } = c.var.deps;
	const { item, user, role, settings, guidelineVersionId } = await requireFound(
		c,
		'item.evaluate',
		'No such item',
		() => Promise.resolve(context)
	);
	const rubric = await getRubric(db, input.rubricId);
	if (!rubric || rubric.projectId !== item.projectId)
		throw Validation('The rubric does not belong to this project', [{ path: 'rubricId', message: 'unknown rubric' }]);
	assertScoresFit(rubric, item.modality, input.scores, input.state);
	const unknownFlags = input.flags.filter((f) => !rubric.flags.some((r) => r.key === f));
	if (unknownFlags.length)
		throw Validation(
			'Unknown flags',
			unknownFlags.map((f) => ({ path: 'flags', message: `${f} is not a flag of this rubric` }))
		);
	// A submission is made under the current guideline version, so she must have read it (a draft need not).
	const version =
		guidelineVersionId && input.state === 'submitted'
			? await versionAcknowledgement(db, guidelineVersionId, user.id)
			: undefined;
	if (version && !version.acknowledged) {
		throw new AppError(
			'acknowledgement_required',
			`Guideline version ${version.number} changed; read and acknowledge it before evaluating`,
			{ guidelineId: version.guidelineId, version: version.number }
		);
	}
	// The server alone says which suggestion she was shown while scoring (none when suggestions are off or the
	// judge has not scored the item): the body cannot carry one (strict schema), so it is never forged or cleared.
	const sight = judgeSight(
		{ role, submitted: false },
		await activeSuggestionJudge(db, item.projectId, settings.judges)
	);
	const suggestion = sight.suggestedJudgeId ? await judgeScoreFor(db, sight.suggestedJudgeId, item.id) : undefined;
	const save: SaveEvaluation = {
		itemId: item.id,
		projectId: item.projectId,
		evaluatorId: user.id,
		input,
		rubricVersion: rubric.version,
		guidelineVersionId,
		suggestionId: suggestion?.id ?? null
	};
	return { user, save };
}

app.post(
	'/items/:id/evaluations',
	doc('evaluations', 'Save a draft or submit an evaluation', 'evaluator, lead', { status: 201 }),
	validate('json', evaluationInputSchema),
	async (c) => {
		const { db, events } = c.var.deps;
		const itemId = c.req.param('id');
		const input = c.req.valid('json');
		// An autosave of an item she saved before on this node is checked against the context read then and written
		// only if that context still holds (one statement instead of two); otherwise, or when those checks refuse it,
		// it is decided below on the context as it is now, as any save is: no refusal rests on an old context.
		const userId = requireUser(c).id;
		const known = input.state === 'draft' ? knownSaveContext(db, itemId, userId) : undefined;
		if (known) {
			const checked = await checkedSave(c, input, known).catch(() => undefined);
			const row = checked && (await autosaveUnchanged(db, checked.save, known));
			if (row) return c.json({ evaluation: toEvaluation(row, checked.user.name) }, 201);
		}
		const context = await itemForSave(db, itemId, userId);
		const { user, save } = await checkedSave(c, input, context);
		const { row, wasSubmitted } = await saveEvaluation(db, save);
		if (context) rememberSaveContext(db, itemId, user.id, context);
		// Reopened as a draft (re-review): the blind rule applies again, so her item-room connection is re-checked.
		if (wasSubmitted && input.state === 'draft') await c.var.deps.rooms.recheckUser(user.id);
		if (input.state === 'submitted') {
			await events.emit('evaluation.submitted', {
				projectId: save.projectId,
				itemId: save.itemId,
				evaluatorId: user.id,
				evaluationId: row.id
			});
		}
		return c.json({ evaluation: toEvaluation(row, user.name) }, 201);
	}
);

app.get(
	'/items/:id/evaluations',
	doc('evaluations', 'Evaluations of an item (evaluators: their own)', 'member'),
	async (c) => {
		const { item, ...access } = await requireItem(c, c.req.param('id'), 'item.read');
		const all = allowed(access, 'evaluation.readAll');
		const evaluations = await evaluationsForItems(c.var.deps.db, [item.id], all ? {} : { evaluatorId: access.user.id });
		// Say which were sent back for re-review, so the workspace reopens them for editing.
		const requested = await reviewRequests(c.var.deps.db, item.id);
		return c.json({ evaluations: evaluations.map((e) => ({ ...e, reviewRequestedAt: requested.get(e.id) ?? null })) });
	}
);

export default app;
