// What the workspace calls on the components it holds through `bind:this`: the functions RubricForm and ItemView
// export, typed here so the keyboard shortcuts and the problem list call typed code (svelte-check verifies that
// each component instance fits its handle where it is bound).

export interface RubricFormHandle {
	focusDimension(key: string | null): Promise<void>;
	/** Scores the current dimension with a digit key; false when the digit means nothing there. */
	scoreDigit(digit: string): boolean;
	focusCurrent(): void;
	move(delta: 1 | -1): void;
}

export interface ItemViewHandle {
	reveal(): void;
	toggleMode(): void;
	/** Offers the text selection for a label; false when nothing is selected. */
	highlightSelection(): boolean;
	/** Steps a video by frames; false when the item has no video. */
	stepFrame(delta: number): boolean;
}
