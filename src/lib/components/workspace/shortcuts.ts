// The workspace's keyboard map, as data plus one pure matcher, so the shortcuts dialog and the key handler can
// never disagree. Single-letter keys act only when focus is not in a text field; Ctrl/Cmd+Enter works everywhere.
export type ShortcutAction =
	| { kind: 'digit'; digit: string }
	| { kind: 'move'; delta: 1 | -1 }
	| { kind: 'submit' }
	| { kind: 'help' }
	| { kind: 'guideline' }
	| { kind: 'escalate' }
	| { kind: 'skip' }
	| { kind: 'reveal' }
	| { kind: 'source' }
	| { kind: 'highlight' }
	| { kind: 'frame'; delta: 1 | -1 }
	| { kind: 'rationale' }
	| { kind: 'close' };

export interface KeyLike {
	key: string;
	ctrlKey?: boolean;
	metaKey?: boolean;
	altKey?: boolean;
	shiftKey?: boolean;
	/** Focus is in a text input, textarea, select or contenteditable. */
	typing: boolean;
}

/** What the dialog lists: key caps and a message key, in groups. */
export const SHORTCUT_GROUPS: { title: string; items: { keys: string[]; label: string }[] }[] = [
	{
		title: 'ws.keys.scoring',
		items: [
			{ keys: ['1', '…', '9', '0'], label: 'ws.keys.digit' },
			{ keys: ['↑', '↓'], label: 'ws.keys.move' },
			{ keys: ['←', '→'], label: 'ws.keys.step' },
			{ keys: ['Tab'], label: 'ws.keys.tab' },
			{ keys: ['r'], label: 'ws.keys.rationale' },
			{ keys: ['Ctrl/⌘', 'Enter'], label: 'ws.keys.submit' }
		]
	},
	{
		title: 'ws.keys.item',
		items: [
			{ keys: ['m'], label: 'ws.keys.source' },
			{ keys: ['h'], label: 'ws.keys.highlight' },
			{ keys: [',', '.'], label: 'ws.keys.frame' },
			{ keys: ['v'], label: 'ws.keys.reveal' }
		]
	},
	{
		title: 'ws.keys.workspace',
		items: [
			{ keys: ['g'], label: 'ws.keys.guideline' },
			{ keys: ['e'], label: 'ws.keys.escalate' },
			{ keys: ['s'], label: 'ws.keys.skip' },
			{ keys: ['?'], label: 'ws.keys.help' },
			{ keys: ['Esc'], label: 'ws.keys.close' }
		]
	}
];

const LETTERS: Record<string, ShortcutAction> = {
	'?': { kind: 'help' },
	g: { kind: 'guideline' },
	e: { kind: 'escalate' },
	s: { kind: 'skip' },
	v: { kind: 'reveal' },
	m: { kind: 'source' },
	h: { kind: 'highlight' },
	r: { kind: 'rationale' },
	',': { kind: 'frame', delta: -1 },
	'.': { kind: 'frame', delta: 1 },
	j: { kind: 'move', delta: 1 },
	k: { kind: 'move', delta: -1 }
};

/** The action a key press means in the workspace, or null to let the browser have it. */
export function matchShortcut(e: KeyLike): ShortcutAction | null {
	if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) return { kind: 'submit' };
	if (e.key === 'Escape') return { kind: 'close' };
	if (e.typing || e.ctrlKey || e.metaKey || e.altKey) return null;
	if (/^[0-9]$/.test(e.key)) return { kind: 'digit', digit: e.key };
	if (e.key === 'ArrowDown') return { kind: 'move', delta: 1 };
	if (e.key === 'ArrowUp') return { kind: 'move', delta: -1 };
	return LETTERS[e.key] ?? null;
}

/** Whether an element takes typed text (so letter shortcuts must not fire). */
export function isTypingTarget(el: { tagName?: string; isContentEditable?: boolean; type?: string } | null): boolean {
	if (!el?.tagName) return false;
	const tag = el.tagName.toLowerCase();
	if (tag === 'textarea' || tag === 'select' || el.isContentEditable) return true;
	if (tag !== 'input') return false;
	return !['checkbox', 'radio', 'button', 'submit', 'range', 'reset', 'color', 'file'].includes(
		(el.type ?? 'text').toLowerCase()
	);
}
