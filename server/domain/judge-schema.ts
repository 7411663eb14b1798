// The structured output a judge is asked for: a JSON schema generated from the rubric for one item's modality, sent
// as `response_format: { type: 'json_schema', json_schema: { name, strict: true, schema } }`. The reply is
//   { scores: { <dimension key>: value, … }, flags: [<flag key>…], rationale: "…" }
// Scores sit in their own object so a dimension keyed `flags` or `rationale` cannot collide with them. Strict mode
// wants every property listed in `required`, so a dimension that may be left out (not required, or any dimension
// when the rubric has a gate that can stop the evaluation) is typed "<type> or null"; null means "not scored".
// The schema only guides the model: every reply is still checked with the human submission rule (judge-reply.ts).
import { dimensionsFor, type RubricDefinition, type RubricDimension } from '#shared/rubric';

const JUDGE_SCHEMA_NAME = 'concord_judgement';

type JsonSchema = Record<string, unknown>;

function valueSchema(d: RubricDimension): JsonSchema {
	switch (d.scale) {
		case 'likert': {
			const min = d.min ?? 1;
			const max = d.max ?? 5;
			return { type: 'integer', enum: Array.from({ length: Math.max(0, max - min + 1) }, (_, i) => min + i) };
		}
		case 'binary':
			return { type: 'boolean' };
		case 'categorical':
		case 'pairwise': {
			const values = (d.options ?? []).map((o) => o.value);
			const types = [...new Set(values.map((v) => (typeof v === 'number' ? 'number' : 'string')))];
			return types.length === 1 ? { type: types[0], enum: values } : { enum: values };
		}
		case 'text':
			return { type: 'string' };
	}
}

/** The dimension's schema, nullable when it may be left unscored. */
function dimensionSchema(d: RubricDimension, gated: boolean): JsonSchema {
	const base = valueSchema(d);
	const schema: JsonSchema = { ...base, description: d.description ? `${d.label}: ${d.description}` : d.label };
	if (d.required && !gated) return schema;
	if (typeof base.type === 'string') schema.type = [base.type, 'null'];
	if (Array.isArray(base.enum)) schema.enum = [...(base.enum as unknown[]), null];
	return schema;
}

/** The JSON schema of a judge's reply for an item of `modality` under `rubric`. */
export function judgeReplySchema(rubric: RubricDefinition, modality: string): JsonSchema {
	const dims = dimensionsFor(rubric, modality);
	const gated = dims.some((d) => d.gate);
	const flagKeys = rubric.flags.map((f) => f.key);
	return {
		type: 'object',
		properties: {
			scores: {
				type: 'object',
				properties: Object.fromEntries(dims.map((d) => [d.key, dimensionSchema(d, gated)])),
				required: dims.map((d) => d.key),
				additionalProperties: false
			},
			flags: {
				type: 'array',
				items: flagKeys.length ? { type: 'string', enum: flagKeys } : { type: 'string' },
				...(flagKeys.length ? {} : { maxItems: 0 })
			},
			rationale: { type: 'string', description: 'A short, specific explanation of the scores' }
		},
		required: ['scores', 'flags', 'rationale'],
		additionalProperties: false
	};
}

/** The `response_format` of a chat-completions request for this rubric and modality. */
export function judgeResponseFormat(rubric: RubricDefinition, modality: string) {
	return {
		type: 'json_schema' as const,
		json_schema: { name: JUDGE_SCHEMA_NAME, strict: true, schema: judgeReplySchema(rubric, modality) }
	};
}
