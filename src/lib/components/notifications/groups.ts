// Repeats in the notification list folded into one entry: notifications of the same kind, in the same project,
// that would read the same but for what they are about (the item, the escalation, the session) form a group
// that names its items and says how many there are. Groups keep the list's order (newest first, by their newest
// notification); a group is unread while any of its notifications is. Pure, so the bell and tests share it.
import type { NotificationView } from '$lib/shared/api-types';

export interface NotificationGroup {
	key: string;
	/** The newest notification of the group: its sentence is the group's. */
	newest: NotificationView;
	notifications: NotificationView[];
	/** Distinct item names, newest first. */
	itemNames: string[];
	unread: boolean;
}

/** Data fields that say which thing a notification is about, not what happened: repeats differ only in these. */
const SUBJECT_FIELDS = new Set(['itemId', 'escalationId', 'calibrationId', 'href', 'note', 'by']);

function groupKey(n: NotificationView): string {
	const sameness = Object.entries(n.data)
		.filter(([field]) => !SUBJECT_FIELDS.has(field))
		.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
	return JSON.stringify([n.kind, n.projectId, sameness]);
}

export function groupNotifications(list: readonly NotificationView[]): NotificationGroup[] {
	const groups = new Map<string, NotificationGroup>();
	for (const n of list) {
		const key = groupKey(n);
		let group = groups.get(key);
		if (!group) {
			group = { key, newest: n, notifications: [], itemNames: [], unread: false };
			groups.set(key, group);
		}
		group.notifications.push(n);
		if (n.itemName && !group.itemNames.includes(n.itemName)) group.itemNames.push(n.itemName);
		if (!n.readAt) group.unread = true;
	}
	return [...groups.values()];
}

/** The items of a group for one line: all of them up to `shown + 1`, else the first `shown` and how many more. */
export function itemSummary(names: readonly string[], shown = 3): { names: string[]; more: number } {
	if (names.length <= shown + 1) return { names: [...names], more: 0 };
	return { names: names.slice(0, shown), more: names.length - shown };
}
