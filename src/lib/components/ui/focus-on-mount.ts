// An attachment that moves the keyboard focus into an element as soon as it appears: a box opened by a button
// (Reply) is where the person is about to type, and the button that opened it may vanish with it.
import type { Attachment } from 'svelte/attachments';

export const focusOnMount: Attachment<HTMLElement> = (element) => {
	element.focus();
};
