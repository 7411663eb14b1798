// The bell's grouping of repeated notifications: same kind, project and sentence fold into one entry that names
// its items and counts them; different reasons, kinds or projects stay apart; a group is unread while any of its
// notifications is; long item lists are cut with a count of the rest.
import { describe, expect, it } from 'vitest';
import { groupNotifications, itemSummary } from '../../src/lib/components/notifications/groups';
import type { NotificationView } from '../../src/lib/shared/api-types';

let seq = 0;
/** A notification about an escalation opened on `item` (newest first in the lists below). */
function opened(item: string, over: Partial<NotificationView> = {}, reason = 'low_agreement'): NotificationView {
	seq++;
	return {
		id: `n${seq}`,
		projectId: 'p1',
		projectName: 'Atlas',
		itemName: item,
		kind: 'escalation.opened',
		data: { escalationId: `e${seq}`, itemId: `i-${item}`, reason },
		createdAt: 1_000_000 - seq,
		readAt: null,
		...over
	};
}

describe('groupNotifications', () => {
	it('folds eleven "New escalation: Low agreement" into one entry naming the items', () => {
		const list = Array.from({ length: 11 }, (_, i) => opened(`atlas-text-${i + 1}`));
		const groups = groupNotifications(list);
		expect(groups).toHaveLength(1);
		expect(groups[0].notifications).toHaveLength(11);
		expect(groups[0].newest).toBe(list[0]);
		expect(groups[0].itemNames).toEqual(list.map((n) => n.itemName));
		expect(groups[0].unread).toBe(true);
	});

	it('keeps different reasons, kinds and projects apart, in the order of their newest notification', () => {
		const a = opened('x1');
		const b = opened('x2', {}, 'guideline_ambiguous');
		const c = opened('x3', { projectId: 'p2', projectName: 'Borealis' });
		const d = opened('x4', { kind: 'escalation.resolved' });
		const e = opened('x5');
		const groups = groupNotifications([a, b, c, d, e]);
		expect(groups.map((g) => g.notifications.map((n) => n.id))).toEqual([[a.id, e.id], [b.id], [c.id], [d.id]]);
	});

	it('is unread while any of its notifications is, and lists an item once', () => {
		const read = { readAt: 5 };
		expect(groupNotifications([opened('x', read), opened('y', read)])[0].unread).toBe(false);
		const mixed = groupNotifications([opened('x', read), opened('x'), opened('y', read)]);
		expect(mixed[0].unread).toBe(true);
		expect(mixed[0].itemNames).toEqual(['x', 'y']);
	});
});

describe('itemSummary', () => {
	it('names up to four items and cuts longer lists to three and a count', () => {
		expect(itemSummary(['a', 'b', 'c', 'd'])).toEqual({ names: ['a', 'b', 'c', 'd'], more: 0 });
		expect(itemSummary(['a', 'b', 'c', 'd', 'e'])).toEqual({ names: ['a', 'b', 'c'], more: 2 });
	});
});
