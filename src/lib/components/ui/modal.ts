// How the app opens a modal dialog, in one place (workspace/Dialog.svelte and the guideline publish dialog use it):
// the native <dialog> with showModal(), so the rest of the page is inert, Escape closes it and, once closed, focus
// returns to the control that had it when it opened (the browser's own behaviour, so the dialog is closed rather
// than just dropped from the page); on top of that, Tab and Shift+Tab wrap round inside the dialog instead of
// leaving for the browser's toolbar.

/** What can take focus (Tab stops on these, before the checks for disabled, hidden and out-of-order ones). */
export const FOCUSABLE = 'a[href], button, input, select, textarea, summary, [tabindex], [contenteditable="true"]';

function tabbables(root: HTMLElement): HTMLElement[] {
	return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
		(el) => el.tabIndex >= 0 && !(el as HTMLButtonElement).disabled && el.getClientRects().length > 0
	);
}

/**
 * Opens `dialog` as a modal and keeps Tab inside it. Returns the function that ends it (call it from an effect's
 * cleanup): closes the dialog if it is still open, which puts focus back where it was before.
 */
export function openModal(dialog: HTMLDialogElement): () => void {
	if (!dialog.open) dialog.showModal();
	const wrap = (e: KeyboardEvent) => {
		if (e.key !== 'Tab') return;
		const stops = tabbables(dialog);
		if (!stops.length) return;
		const [first, last] = [stops[0], stops[stops.length - 1]];
		const at = document.activeElement;
		if (e.shiftKey && (at === first || at === dialog)) {
			e.preventDefault();
			last.focus();
		} else if (!e.shiftKey && at === last) {
			e.preventDefault();
			first.focus();
		}
	};
	dialog.addEventListener('keydown', wrap);
	return () => {
		dialog.removeEventListener('keydown', wrap);
		if (dialog.open) dialog.close();
	};
}
