// Rubric contracts: dimensions with a scale and a measurement level (the level picks the agreement metric), and
// optional translations of the rubric's texts per locale (see rubric-i18n.ts; keys never change).
import { z } from 'zod';
import { LOCALES } from './locales';
import { checkTranslations, rubricTranslationsSchema } from './rubric-i18n';

const SCALES = ['likert', 'binary', 'categorical', 'pairwise', 'text'] as const;
export const LEVELS = ['nominal', 'ordinal', 'interval', 'ratio'] as const;
export type Scale = (typeof SCALES)[number];
export type Level = (typeof LEVELS)[number];

const rubricOptionSchema = z.strictObject({
	value: z.union([z.string().min(1).max(80), z.number()]),
	label: z.string().min(1).max(200),
	description: z.string().max(1000).optional()
});

const rubricDimensionSchema = z.strictObject({
	key: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'lower_snake_case key'),
	label: z.string().min(1).max(200),
	description: z.string().max(2000).optional(),
	scale: z.enum(SCALES),
	level: z.enum(LEVELS),
	required: z.boolean().default(true),
	/** likert: min..max with labelled anchors in options; categorical/pairwise: the allowed values. */
	min: z.number().int().optional(),
	max: z.number().int().optional(),
	options: z.array(rubricOptionSchema).max(200).optional(),
	/** A pre-evaluation gate (e.g. feasibility): when answered with one of `stopValues`, the rest is skipped. */
	gate: z.strictObject({ stopValues: z.array(z.union([z.string(), z.number()])).min(1) }).optional(),
	/** Only for these modalities (all when absent). */
	modalities: z.array(z.string()).optional()
});
export type RubricDimension = z.infer<typeof rubricDimensionSchema>;

export const rubricDefinitionSchema = z
	.strictObject({
		/** The language of the rubric's own texts (English when absent). */
		locale: z.enum(LOCALES).optional(),
		dimensions: z.array(rubricDimensionSchema).min(1).max(50),
		flags: z
			.array(z.strictObject({ key: z.string().min(1).max(64), label: z.string().min(1).max(200) }))
			.max(50)
			.default([]),
		tags: z.array(z.string().min(1).max(64)).max(200).default([]),
		spanLabels: z
			.array(
				z.strictObject({
					key: z.string().min(1).max(64),
					label: z.string().min(1).max(200),
					color: z.string().max(20).optional()
				})
			)
			.max(50)
			.default([]),
		translations: rubricTranslationsSchema.optional()
	})
	.superRefine(checkTranslations);
export type RubricDefinition = z.infer<typeof rubricDefinitionSchema>;

export interface Rubric extends RubricDefinition {
	id: string;
	projectId: string;
	name: string;
	version: number;
	createdAt: number;
}

/** Dimensions that apply to a modality. */
export function dimensionsFor(rubric: RubricDefinition, modality: string): RubricDimension[] {
	return rubric.dimensions.filter((d) => !d.modalities || d.modalities.includes(modality));
}
