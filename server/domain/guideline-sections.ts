// Finds the guideline sections relevant to an escalation: Markdown sections (split at headings) whose heading or
// text mentions one of the given terms (dimension keys and labels), best matches first. Pure.
import type { GuidelineSection } from '#shared/escalation';

function splitSections(markdown: string): GuidelineSection[] {
	const sections: GuidelineSection[] = [];
	let current: GuidelineSection | null = null;
	for (const line of markdown.split('\n')) {
		const heading = /^#{1,4}\s+(.*)$/.exec(line);
		if (heading) {
			if (current) sections.push(current);
			current = { heading: heading[1].trim(), text: '' };
		} else if (current) {
			current.text += line + '\n';
		}
	}
	if (current) sections.push(current);
	return sections.map((s) => ({ heading: s.heading, text: s.text.trim() })).filter((s) => s.text.length > 0);
}

export function relevantSections(markdown: string, terms: readonly string[], max = 2): GuidelineSection[] {
	const needles = [...new Set(terms.map((t) => t.toLowerCase().replace(/_/g, ' ').trim()).filter((t) => t.length > 2))];
	if (!needles.length) return [];
	const scored = splitSections(markdown).map((s) => {
		const heading = s.heading.toLowerCase();
		const text = s.text.toLowerCase();
		const score = needles.reduce((n, term) => n + (heading.includes(term) ? 3 : 0) + (text.includes(term) ? 1 : 0), 0);
		return { s, score };
	});
	return scored
		.filter((x) => x.score > 0)
		.sort((a, b) => b.score - a.score)
		.slice(0, max)
		.map((x) => x.s);
}
