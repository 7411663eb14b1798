// A popover: a panel that a button shows and hides beside itself (the account menu, the notifications panel), as
// the disclosure pattern has it (the button says aria-expanded; the panel follows it in the page, so Tab walks
// into it). Guarantees, for every popover of the app:
// - Escape hides it and puts focus back on its button;
// - a click outside hides it; focus goes where the click put it, or back to the button when the click landed on
//   nothing that takes focus (else focus would fall to the page's start);
// - so one shows at a time (they share the header and would overlap): showing another takes a click on its button,
//   and Enter or Space on a button is a click too;
// - hiding it from inside (a choice made) puts focus back on the button with close().
// Create it while a component initialises (its listeners live as long as the component).

import { FOCUSABLE } from './modal';

export class Popover {
	open = $state(false);
	#button: HTMLElement | null = null;
	#panel: HTMLElement | null = null;

	constructor() {
		$effect(() => {
			if (!this.open) return;
			const onKey = (e: KeyboardEvent) => {
				if (e.key !== 'Escape' || e.defaultPrevented) return;
				e.preventDefault();
				this.close();
			};
			const onClick = (e: MouseEvent) => {
				const target = e.target as Element;
				if (this.#panel?.contains(target) || this.#button?.contains(target)) return;
				this.close(!target.closest?.(FOCUSABLE));
			};
			document.addEventListener('keydown', onKey);
			// Capture: a control that stops its click's propagation still counts as a click outside.
			document.addEventListener('click', onClick, true);
			return () => {
				document.removeEventListener('keydown', onKey);
				document.removeEventListener('click', onClick, true);
			};
		});
	}

	/** Attachment for the button that shows and hides it: `{@attach popover.button}`. */
	button = (el: HTMLElement) => {
		this.#button = el;
		return () => {
			if (this.#button === el) this.#button = null;
		};
	};

	/** Attachment for the panel: `{@attach popover.panel}`. */
	panel = (el: HTMLElement) => {
		this.#panel = el;
		return () => {
			if (this.#panel === el) this.#panel = null;
		};
	};

	/** Hides it; focus goes back to its button unless `returnFocus` is false. */
	close(returnFocus = true): void {
		if (!this.open) return;
		this.open = false;
		if (returnFocus) this.#button?.focus();
	}

	toggle = (): void => {
		if (this.open) this.close();
		else this.open = true;
	};
}
