// Rubric texts in the evaluator's language. A rubric's own texts are written in one language (`locale`, English
// when absent); `translations` may give, per other locale, dimension labels and descriptions, option (anchor)
// labels and descriptions, flag labels and span labels — always addressed by the rubric's keys, which never
// change, so scores, exports and agreement are the same whatever language a person reads.
// `rubricText` is the one rule for "which text does a person see for this rubric entry"; `localizeRubric` applies
// it to a whole rubric for views. Plain TS: the browser and the server both use it.
import { z } from 'zod';
import { isLocale, LOCALES, type Locale } from './locales';

const text = (max: number) => z.string().trim().min(1).max(max);

const textPairSchema = z.strictObject({ label: text(200).optional(), description: text(2000).optional() });

const localeTranslationsSchema = z.strictObject({
	/** By dimension key; options by their value written as text (likert anchors: "1" … "5"). */
	dimensions: z
		.record(z.string(), textPairSchema.extend({ options: z.record(z.string(), textPairSchema).optional() }))
		.optional(),
	/** Flag label by flag key. */
	flags: z.record(z.string(), text(200)).optional(),
	/** Span label by span label key. */
	spanLabels: z.record(z.string(), text(200)).optional()
});
export type LocaleTranslations = z.infer<typeof localeTranslationsSchema>;

/** Per-locale translations; locales are checked against LOCALES by `checkTranslations` (with a clear message). */
export const rubricTranslationsSchema = z.record(z.string(), localeTranslationsSchema);

interface TextEntry {
	label: string;
	description?: string;
}
/** What this module needs of a rubric: any view of one that carries its keys and texts. */
export interface TranslatableRubric {
	locale?: Locale;
	dimensions: (TextEntry & { key: string; options?: (TextEntry & { value: string | number })[] })[];
	flags?: { key: string; label: string }[];
	spanLabels?: { key: string; label: string }[];
	translations?: Record<string, LocaleTranslations>;
}

/** One translatable text of a rubric, by keys. */
export type RubricTextRef =
	| { kind: 'dimension'; key: string; field: 'label' | 'description' }
	| { kind: 'option'; key: string; value: string | number; field: 'label' | 'description' }
	| { kind: 'flag'; key: string }
	| { kind: 'spanLabel'; key: string };

/** The language the rubric's own texts are written in. */
export const sourceLocale = (rubric: TranslatableRubric): Locale => rubric.locale ?? 'en';

function own(rubric: TranslatableRubric, ref: RubricTextRef): string | undefined {
	switch (ref.kind) {
		case 'dimension':
			return rubric.dimensions.find((d) => d.key === ref.key)?.[ref.field];
		case 'option':
			return rubric.dimensions
				.find((d) => d.key === ref.key)
				?.options?.find((o) => String(o.value) === String(ref.value))?.[ref.field];
		case 'flag':
			return rubric.flags?.find((f) => f.key === ref.key)?.label;
		case 'spanLabel':
			return rubric.spanLabels?.find((s) => s.key === ref.key)?.label;
	}
}

/** The translation for `locale`, if the rubric has one. */
export function translationOf(rubric: TranslatableRubric, locale: Locale, ref: RubricTextRef): string | undefined {
	if (locale === sourceLocale(rubric)) return undefined;
	const tr = rubric.translations?.[locale];
	if (!tr) return undefined;
	switch (ref.kind) {
		case 'dimension':
			return tr.dimensions?.[ref.key]?.[ref.field];
		case 'option':
			return tr.dimensions?.[ref.key]?.options?.[String(ref.value)]?.[ref.field];
		case 'flag':
			return tr.flags?.[ref.key];
		case 'spanLabel':
			return tr.spanLabels?.[ref.key];
	}
}

/**
 * The text a person reading `locale` sees for a rubric entry: its translation, else the rubric's own text, else
 * the key (an entry the rubric does not have, e.g. a score kept from an older version).
 */
export function rubricText(rubric: TranslatableRubric, locale: Locale, ref: RubricTextRef): string {
	return (
		translationOf(rubric, locale, ref) ?? own(rubric, ref) ?? (ref.kind === 'option' ? String(ref.value) : ref.key)
	);
}

/** The same rubric with every text as a person reading `locale` sees it (keys, values and structure untouched). */
export function localizeRubric<R extends TranslatableRubric>(rubric: R, locale: Locale): R {
	if (locale === sourceLocale(rubric) || !rubric.translations?.[locale]) return rubric;
	const say = (ref: RubricTextRef) => rubricText(rubric, locale, ref);
	const maybe = (present: string | undefined, ref: RubricTextRef) => (present === undefined ? undefined : say(ref));
	return {
		...rubric,
		dimensions: rubric.dimensions.map((d) => ({
			...d,
			label: say({ kind: 'dimension', key: d.key, field: 'label' }),
			description: maybe(d.description, { kind: 'dimension', key: d.key, field: 'description' }),
			options: d.options?.map((o) => ({
				...o,
				label: say({ kind: 'option', key: d.key, value: o.value, field: 'label' }),
				description: maybe(o.description, { kind: 'option', key: d.key, value: o.value, field: 'description' })
			}))
		})),
		flags: rubric.flags?.map((f) => ({ ...f, label: say({ kind: 'flag', key: f.key }) })),
		spanLabels: rubric.spanLabels?.map((s) => ({ ...s, label: say({ kind: 'spanLabel', key: s.key }) }))
	};
}

/** Every text of the rubric that a translation can cover, with its own (source-language) wording. */
export function rubricTexts(rubric: TranslatableRubric): { ref: RubricTextRef; text: string }[] {
	const out: { ref: RubricTextRef; text: string }[] = [];
	for (const d of rubric.dimensions) {
		out.push({ ref: { kind: 'dimension', key: d.key, field: 'label' }, text: d.label });
		if (d.description) out.push({ ref: { kind: 'dimension', key: d.key, field: 'description' }, text: d.description });
		for (const o of d.options ?? []) {
			out.push({ ref: { kind: 'option', key: d.key, value: o.value, field: 'label' }, text: o.label });
			if (o.description)
				out.push({ ref: { kind: 'option', key: d.key, value: o.value, field: 'description' }, text: o.description });
		}
	}
	for (const f of rubric.flags ?? []) out.push({ ref: { kind: 'flag', key: f.key }, text: f.label });
	for (const s of rubric.spanLabels ?? []) out.push({ ref: { kind: 'spanLabel', key: s.key }, text: s.label });
	return out;
}

/** The locales a rubric can be translated into: every locale but its own. */
export const targetLocales = (rubric: TranslatableRubric): Locale[] =>
	LOCALES.filter((l) => l !== sourceLocale(rubric));

/** Per target locale, the texts that have no translation yet (what the rubric view marks and counts). */
export function missingTranslations(rubric: TranslatableRubric): Partial<Record<Locale, RubricTextRef[]>> {
	const texts = rubricTexts(rubric);
	return Object.fromEntries(
		targetLocales(rubric).map((l) => [
			l,
			texts.filter((x) => translationOf(rubric, l, x.ref) === undefined).map((x) => x.ref)
		])
	);
}

export const sameRef = (a: RubricTextRef, b: RubricTextRef): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * Validation beyond shape: translations name known locales other than the rubric's own, and only keys (and
 * option values) the rubric has. Reports each problem at its path so the API error points at it.
 */
export function checkTranslations(rubric: TranslatableRubric, ctx: z.RefinementCtx): void {
	const problem = (path: (string | number)[], message: string) =>
		ctx.addIssue({ code: 'custom', path: ['translations', ...path], message });
	for (const [locale, tr] of Object.entries(rubric.translations ?? {})) {
		if (!isLocale(locale)) {
			problem([locale], `unknown locale "${locale}" (known: ${LOCALES.join(', ')})`);
			continue;
		}
		if (locale === sourceLocale(rubric))
			problem([locale], `"${locale}" is the rubric's own language; its texts are the rubric's labels`);
		for (const [key, d] of Object.entries(tr.dimensions ?? {})) {
			const dim = rubric.dimensions.find((x) => x.key === key);
			if (!dim) {
				problem([locale, 'dimensions', key], `the rubric has no dimension "${key}"`);
				continue;
			}
			for (const value of Object.keys(d.options ?? {}))
				if (!dim.options?.some((o) => String(o.value) === value))
					problem([locale, 'dimensions', key, 'options', value], `dimension "${key}" has no option "${value}"`);
		}
		for (const key of Object.keys(tr.flags ?? {}))
			if (!rubric.flags?.some((f) => f.key === key)) problem([locale, 'flags', key], `the rubric has no flag "${key}"`);
		for (const key of Object.keys(tr.spanLabels ?? {}))
			if (!rubric.spanLabels?.some((s) => s.key === key))
				problem([locale, 'spanLabels', key], `the rubric has no span label "${key}"`);
	}
}

/**
 * Dimension names by key across a project's rubrics, as a reader of `locale` sees them: for views built from
 * server figures that carry a key and the rubric's own label (agreement, reports). The first rubric naming a key
 * wins, so pass them newest first.
 */
export function dimensionNames(rubrics: readonly TranslatableRubric[], locale: Locale): Map<string, string> {
	const names = new Map<string, string>();
	for (const r of rubrics)
		for (const d of r.dimensions)
			if (!names.has(d.key)) names.set(d.key, rubricText(r, locale, { kind: 'dimension', key: d.key, field: 'label' }));
	return names;
}

/**
 * Every name a dimension goes by — its key, its own label and each translated label — so a guideline section
 * titled in any of the rubric's languages (e.g. "Correção" in a Portuguese guideline) is found for it.
 */
export function dimensionTerms(rubric: TranslatableRubric, key: string): string[] {
	const own = rubric.dimensions.find((d) => d.key === key)?.label;
	const translated = LOCALES.map((l) => translationOf(rubric, l, { kind: 'dimension', key, field: 'label' }));
	return [...new Set([key, own, ...translated].filter((s): s is string => !!s))];
}

/** One locale's translations built from texts by reference (blank texts left out): what an editor saves. */
export function localeTranslations(texts: readonly { ref: RubricTextRef; text: string }[]): LocaleTranslations {
	const out: LocaleTranslations = {};
	for (const { ref, text } of texts) {
		const value = text.trim();
		if (!value) continue;
		if (ref.kind === 'flag') (out.flags ??= {})[ref.key] = value;
		else if (ref.kind === 'spanLabel') (out.spanLabels ??= {})[ref.key] = value;
		else {
			const dim = ((out.dimensions ??= {})[ref.key] ??= {});
			if (ref.kind === 'dimension') dim[ref.field] = value;
			else ((dim.options ??= {})[String(ref.value)] ??= {})[ref.field] = value;
		}
	}
	return out;
}
