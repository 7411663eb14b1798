// Item contracts: one zod schema per modality. Shared by the server (import, API) and the browser (renderers).
// Media are referenced by URL paths on the server's own media store (`/media/<sha256>`), never by foreign hosts.
import { z } from 'zod';

export const MODALITIES = ['text', 'chat', 'caption', 'image_edit', 'video', 'multimodal', 'pairwise'] as const;
export const modalitySchema = z.enum(MODALITIES);
export type Modality = z.infer<typeof modalitySchema>;

/** A media reference: a path on our own media store, plus what a reader needs to render it accessibly. */
const mediaRefSchema = z.object({
	src: z.string().regex(/^\/media\/[a-f0-9]{64}$/, 'must be a /media/<sha256> path on this server'),
	alt: z.string().max(500).optional(),
	mime: z.string().max(100).optional()
});

const text = z.string().max(200_000);

const textPayloadSchema = z.object({
	prompt: text.min(1),
	response: text.min(1),
	system: text.optional()
});

const chatTurnSchema = z.object({
	role: z.enum(['system', 'user', 'assistant', 'tool']),
	content: text
});
const chatPayloadSchema = z.object({
	turns: z.array(chatTurnSchema).min(1).max(500),
	/** Index of the turn under review; defaults to the last assistant turn. */
	reviewTurn: z.number().int().nonnegative().optional()
});

const captionPayloadSchema = z.object({
	image: mediaRefSchema,
	prompt: text.optional(),
	caption: text.min(1)
});

const imageEditPayloadSchema = z.object({
	original: mediaRefSchema,
	instruction: text.min(1),
	edited: mediaRefSchema
});

const videoPayloadSchema = z.object({
	video: mediaRefSchema,
	fps: z.number().positive().max(240).optional(),
	prompt: text.optional(),
	description: text.min(1)
});

const multimodalPartSchema = z.discriminatedUnion('kind', [
	z.object({ kind: z.literal('text'), text }),
	z.object({ kind: z.literal('image'), media: mediaRefSchema }),
	z.object({ kind: z.literal('audio'), media: mediaRefSchema }),
	z.object({ kind: z.literal('video'), media: mediaRefSchema })
]);
const multimodalPayloadSchema = z.object({
	prompt: z.array(multimodalPartSchema).min(1).max(50),
	response: text.min(1)
});

const pairwiseResponseSchema = z.object({
	id: z.string().min(1).max(40),
	label: z.string().max(80).optional(),
	text: text.min(1)
});
const pairwisePayloadSchema = z.object({
	prompt: text.min(1),
	responses: z.array(pairwiseResponseSchema).min(2).max(6)
});

const payloadSchemas = {
	text: textPayloadSchema,
	chat: chatPayloadSchema,
	caption: captionPayloadSchema,
	image_edit: imageEditPayloadSchema,
	video: videoPayloadSchema,
	multimodal: multimodalPayloadSchema,
	pairwise: pairwisePayloadSchema
} as const;

export type PayloadOf<M extends Modality> = z.infer<(typeof payloadSchemas)[M]>;

/** A language tag such as `en`, `pt-BR` (BCP 47, kept simple). */
const languageSchema = z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'a language tag such as en or pt-BR');

/** An item as it is imported: modality + payload validated together. */
export const itemInputSchema = z
	.object({
		externalId: z.string().min(1).max(200).optional(),
		modality: modalitySchema,
		payload: z.unknown(),
		language: languageSchema.default('en'),
		metadata: z.record(z.string(), z.unknown()).default({}),
		gold: z.record(z.string(), z.unknown()).nullable().optional()
	})
	.superRefine((item, ctx) => {
		const parsed = payloadSchemas[item.modality].safeParse(item.payload);
		if (!parsed.success) {
			for (const issue of parsed.error.issues) {
				ctx.addIssue({ code: 'custom', message: issue.message, path: ['payload', ...issue.path] });
			}
		}
	});
export type ItemInput = z.infer<typeof itemInputSchema>;

/** The item as the API returns it. `gold` is null for callers who may not see it. */
export interface Item {
	id: string;
	projectId: string;
	externalId: string | null;
	modality: Modality;
	payload: unknown;
	language: string;
	metadata: Record<string, unknown>;
	gold: Record<string, unknown> | null;
	createdAt: number;
}
