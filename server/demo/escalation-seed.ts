// Escalations for the demo workspace, made the way the product makes them. Ana escalated a caption the guideline
// does not cover (the discussion in its adjudication room has started); then every item whose demo scores
// disagree was escalated automatically (escalateAfterSubmission, the check a submission runs; it notifies the
// leads); the lead has since settled two of those with a verdict (which becomes the item's gold and notifies the
// evaluators) and claimed a third. Every escalated item's room carries the escalation's state, as mirrorEscalation leaves it.
import * as Y from 'yjs';
import { eq, inArray, max } from 'drizzle-orm';
import type { Db } from '../db/client';
import { first, tx } from '../db/client';
import { escalateAfterSubmission } from '../db/auto-escalation';
import {
	applyVerdict,
	escalationsOfItem,
	getEscalation,
	getEscalationView,
	openManualEscalation,
	rubricForItem,
	transitionEscalation,
	verdictChange,
	type TransitionChange,
	type Verdict
} from '../db/escalations';
import { evaluationsForItems } from '../db/evaluations';
import { getItemRow } from '../db/items';
import { TRANSITIONS } from '../domain/escalation';
import { escalations, evaluations, notifications } from '../../drizzle/schema';
import { appendRoomUpdate } from '../collab/room-store';
import { addComment, addReply, stateOf } from '#collab/room-doc';
import { escalationStateKey, PROPOSALS_KEY, type VerdictReasonCode } from '#shared/escalation';
import { ROOM_KEYS, roomName } from '#shared/rooms';

export interface DemoEscalationIds {
	projectId: string;
	/** email → user id */
	users: ReadonlyMap<string, string>;
	/** email → display name */
	names: ReadonlyMap<string, string>;
	/** item external id → item id */
	items: ReadonlyMap<string | null, string>;
}

const LEAD = 'lead@demo.test';

const MANUAL = {
	item: 'atlas-caption-005',
	by: 'ana@demo.test',
	note: 'The caption describes the lesion accurately, then adds a diagnosis and a 10-day antibiotic course that nothing in the image supports. Is that hallucinated content, unsafe advice, or outside what a caption is judged on? The guideline does not say.',
	discussion: [
		{
			who: 'ana@demo.test',
			text: 'The visual part is right. The diagnosis and the antibiotics are not in the image, so I flagged hallucinated content and unsafe advice.'
		},
		{
			who: 'ben@demo.test',
			text: 'I read the diagnosis as outside the caption’s scope and did not penalise it. If the guideline wants it counted, I will re-score.'
		}
	],
	reply: {
		to: 0,
		who: LEAD,
		text: 'Medical advice the image cannot support should count. Let us agree on the error type here, then I will add an example to the guideline.'
	}
};

/** Verdicts the lead recorded: the majority's scores (one evaluator's, followed), and why. */
const VERDICTS: { item: string; follow: string; reasonCode: VerdictReasonCode; note: string }[] = [
	{
		item: 'atlas-edit-004',
		follow: 'ana@demo.test',
		reasonCode: 'guideline_missing',
		note: 'Backdating a receipt for an expense claim is document forgery: infeasible as unsafe, stop at the pre-check, as Ana and Ben did. The guideline lists official and identity documents; receipts and invoices belong on that list.'
	},
	{
		item: 'atlas-video-002',
		follow: 'ana@demo.test',
		reasonCode: 'evaluator_error',
		note: 'The description reverses the order of events, so it states something the video does not show: hallucinated content is true and temporal accuracy is 1, as Ana and Ben scored.'
	}
];
const CLAIMED = 'atlas-text-003';

export async function seedDemoEscalations(db: Db, ids: DemoEscalationIds): Promise<void> {
	const lead = ids.users.get(LEAD);
	if (!lead) return;
	const person = (email: string) => ({ id: ids.users.get(email)!, name: ids.names.get(email) ?? email });
	const escalated: string[] = [];
	let manual: string | null = null;

	await tx(db, async (t) => {
		const itemId = ids.items.get(MANUAL.item);
		if (!itemId || !ids.users.has(MANUAL.by)) return;
		const row = await openManualEscalation(
			t,
			{ id: itemId, projectId: ids.projectId },
			person(MANUAL.by),
			'guideline_ambiguous',
			MANUAL.note
		);
		manual = row.id;
		escalated.push(row.id);
	});
	// One transaction for the whole pass (each escalateAfterSubmission joins it).
	await tx(db, async (t) => {
		for (const itemId of ids.items.values()) {
			const row = await escalateAfterSubmission(t, itemId);
			if (row) escalated.push(row.id);
		}
	});

	await tx(db, async (t) => {
		const now = Date.now();
		const activeOn = async (external: string) => {
			const itemId = ids.items.get(external);
			return itemId ? (await escalationsOfItem(t, itemId)).find((e) => e.state === 'open') : undefined;
		};
		const step = (id: string, name: 'claim' | 'verdict', change: Pick<TransitionChange, 'set' | 'data'>) =>
			transitionEscalation(t, id, TRANSITIONS[name].from, {
				...change,
				to: TRANSITIONS[name].to,
				actorId: lead,
				action: `escalation.${name}`
			});
		const claim = (id: string) => step(id, 'claim', { set: { claimedBy: lead, claimedAt: now } });
		const claimed = await activeOn(CLAIMED);
		if (claimed) await claim(claimed.id);
		for (const v of VERDICTS) {
			const open = await activeOn(v.item);
			const item = open && (await getItemRow(t, open.itemId));
			const rubric = item && (await rubricForItem(t, item));
			const followed =
				item &&
				(await evaluationsForItems(t, [item.id], { evaluatorId: ids.users.get(v.follow), submittedOnly: true }));
			const scores = followed?.[0]?.scores;
			if (!open || !item || !rubric || !scores || !(await claim(open.id))) continue;
			const verdict: Verdict = {
				scores,
				reasonCode: v.reasonCode,
				note: v.note,
				guidelineVersionId: null,
				rubricId: rubric.id
			};
			const resolved = await step(open.id, 'verdict', verdictChange(verdict, now));
			if (resolved) await applyVerdict(t, resolved, verdict, lead, now);
		}
	});

	await backdate(db, escalated, manual);

	for (const id of escalated) {
		const view = await getEscalationView(db, id);
		if (!view) continue;
		const doc = new Y.Doc();
		doc.transact(() => {
			stateOf(doc).set(escalationStateKey(view.id), view);
			doc.getMap(ROOM_KEYS.annotations).set(PROPOSALS_KEY, new Y.Map());
		});
		if (view.id === manual) {
			// The discussion began soon after Ana escalated.
			const at = (minutes: number) => view.createdAt + minutes * 60_000;
			const commentIds = MANUAL.discussion.map((c, i) =>
				addComment(doc, person(c.who), c.text, { kind: 'item', itemId: view.itemId }, at(12 + i * 35))
			);
			addReply(doc, commentIds[MANUAL.reply.to], person(MANUAL.reply.who), MANUAL.reply.text, at(95));
		}
		await appendRoomUpdate(db, roomName('item', view.itemId), Y.encodeStateAsUpdate(doc));
	}
}

const HOUR = 3_600_000;

/**
 * Gives the seeded escalations the times they would have had: an automatic one opens right after the item's last
 * submission, Ana's yesterday; claims and verdicts follow within hours. Their notifications move with them.
 */
async function backdate(db: Db, ids: string[], manual: string | null): Promise<void> {
	const now = Date.now();
	const past = (t: number) => Math.min(t, now - 5 * 60_000);
	await tx(db, async (t) => {
		// The escalation a notification is about is in its JSON data: read and matched here, not in SQL.
		const kinds = ['escalation.opened', 'escalation.resolved'];
		const notes = await t
			.select({ id: notifications.id, kind: notifications.kind, data: notifications.data })
			.from(notifications)
			.where(inArray(notifications.kind, kinds));
		for (const id of ids) {
			const row = await getEscalation(t, id);
			if (!row) continue;
			const lastScore = (
				await first(
					t
						.select({ at: max(evaluations.submittedAt) })
						.from(evaluations)
						.where(eq(evaluations.itemId, row.itemId))
				)
			)?.at;
			const createdAt = past(id === manual || !lastScore ? now - 26 * HOUR : lastScore + 2 * 60_000);
			const claimedAt = row.claimedAt === null ? null : past(createdAt + 4 * HOUR);
			const closedAt = row.closedAt === null || claimedAt === null ? null : past(claimedAt + 40 * 60_000);
			await t.update(escalations).set({ createdAt, claimedAt, closedAt }).where(eq(escalations.id, id));
			const when = (kind: string) => (kind === 'escalation.opened' ? createdAt : (closedAt ?? createdAt));
			for (const kind of kinds) {
				const about = notes.filter((n) => n.kind === kind && n.data.escalationId === id).map((n) => n.id);
				if (about.length)
					await t
						.update(notifications)
						.set({ createdAt: when(kind) })
						.where(inArray(notifications.id, about));
			}
		}
	});
}
