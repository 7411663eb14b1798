// The OpenAPI 3.1 description of the REST API, generated from the same zod schemas the routes validate with
// (z.toJSONSchema, draft 2020-12, input shapes). The registry below lists the main operations; a route that
// changes its schema changes this document with it. Served by routes/docs.ts at /api/openapi.json.
import { z } from 'zod';
import { itemInputSchema } from '#shared/items';
import { rubricDefinitionSchema } from '#shared/rubric';
import { evaluationInputSchema } from '#shared/evaluation';
import { escalationInputSchema, queueQuerySchema, transitionNoteSchema, verdictInputSchema } from '#shared/escalation';
import { calibrationScoreInputSchema, consensusInputSchema, createCalibrationSchema, roundInputSchema } from '#shared/calibration';
import { createGuidelineSchema, diffQuerySchema, publishInputSchema } from '#shared/guideline';
import { webhookInputSchema } from '#shared/webhooks';
import { ERROR_CODES } from '#shared/errors';
import { agreementQuerySchema, disagreementQuerySchema, matrixQuerySchema, throughputQuerySchema, timelineQuerySchema } from '#shared/agreement-report';
import { exportQuerySchema } from './routes/exports';
import { IMPORT_FORMATS } from '../import/run-import';
import { SESSION_COOKIE } from './middleware/auth';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface Operation {
	method: Method;
	/** OpenAPI path template, e.g. /api/projects/{pid}/items. */
	path: string;
	tag: string;
	summary: string;
	/** Who may call it (the permission module decides; this is documentation). */
	who: string;
	query?: z.ZodType;
	body?: z.ZodType;
	/** A non-JSON request body: media type → description. */
	rawBody?: Record<string, string>;
	status?: number;
	/** A non-JSON response: media type → description. */
	produces?: Record<string, string>;
}

const loginSchema = z.object({ email: z.email(), password: z.string().min(1) });
const tokenSchema = z.object({ name: z.string().min(1).max(100) });
const projectSchema = z.object({ name: z.string().min(1).max(200), description: z.string().max(5000).optional() });
const itemListQuery = z.object({ modality: z.string().optional(), language: z.string().optional(), limit: z.number().int().optional(), offset: z.number().int().optional() });

export const OPERATIONS: Operation[] = [
	{ method: 'get', path: '/api/health', tag: 'system', summary: 'Liveness and version', who: 'anyone' },
	{ method: 'get', path: '/api/openapi.json', tag: 'system', summary: 'This document', who: 'anyone' },
	{ method: 'post', path: '/api/auth/login', tag: 'auth', summary: 'Sign in; sets the session cookie', who: 'anyone', body: loginSchema },
	{ method: 'post', path: '/api/auth/logout', tag: 'auth', summary: 'Sign out', who: 'signed in' },
	{ method: 'get', path: '/api/me', tag: 'auth', summary: 'The caller and their project roles', who: 'signed in' },
	{ method: 'post', path: '/api/tokens', tag: 'auth', summary: 'Create an API token (shown once)', who: 'signed in', body: tokenSchema, status: 201 },
	{ method: 'get', path: '/api/projects', tag: 'projects', summary: 'Projects the caller belongs to', who: 'member' },
	{ method: 'post', path: '/api/projects', tag: 'projects', summary: 'Create a project', who: 'admin', body: projectSchema, status: 201 },
	{ method: 'get', path: '/api/projects/{pid}/rubrics', tag: 'projects', summary: 'Latest version of every rubric', who: 'member' },
	{ method: 'post', path: '/api/projects/{pid}/rubrics', tag: 'projects', summary: 'Create a rubric (or a new version of one)', who: 'lead', body: z.object({ name: z.string(), familyId: z.string().optional(), definition: rubricDefinitionSchema }), status: 201 },
	{ method: 'get', path: '/api/projects/{pid}/items', tag: 'items', summary: 'Items, paged and filtered', who: 'member', query: itemListQuery },
	{ method: 'get', path: '/api/items/{id}', tag: 'items', summary: 'One item (gold hidden from evaluators)', who: 'member' },
	{
		method: 'post',
		path: '/api/projects/{pid}/items/import',
		tag: 'items',
		summary: 'Import items: all or nothing, idempotent by external id; 400 lists every bad line',
		who: 'lead',
		query: z.object({ format: z.enum(IMPORT_FORMATS).optional() }),
		rawBody: {
			'application/x-ndjson': 'JSONL, one item per line (see the item schema and docs/import-format.md)',
			'text/csv': 'CSV of text items: prompt,response[,external_id,language,…metadata]',
			'application/json': 'Label Studio tasks (format=labelstudio)',
			'application/zip': 'items.jsonl plus media referenced by relative path (format=zip)'
		},
		status: 201
	},
	{ method: 'post', path: '/api/projects/{pid}/media', tag: 'items', summary: 'Upload a media file to the content-addressed store', who: 'lead', rawBody: { 'application/octet-stream': 'PNG, JPEG, GIF, WebP, MP4, WebM, WAV, OGG or MP3' }, status: 201 },
	{ method: 'get', path: '/api/projects/{pid}/queue', tag: 'evaluations', summary: 'Next items for the caller', who: 'evaluator, lead' },
	{ method: 'post', path: '/api/items/{id}/evaluations', tag: 'evaluations', summary: 'Save a draft or submit an evaluation', who: 'evaluator, lead', body: evaluationInputSchema, status: 201 },
	{ method: 'get', path: '/api/items/{id}/evaluations', tag: 'evaluations', summary: 'Evaluations of an item (evaluators: their own)', who: 'member' },
	{ method: 'post', path: '/api/items/{id}/escalations', tag: 'escalations', summary: 'Open an escalation', who: 'member', body: escalationInputSchema, status: 201 },
	{ method: 'get', path: '/api/projects/{pid}/escalations', tag: 'escalations', summary: 'The escalation queue', who: 'lead, manager (mine=1: any member)', query: queueQuerySchema },
	{ method: 'post', path: '/api/escalations/{id}/claim', tag: 'escalations', summary: 'Claim (open → in_review)', who: 'lead' },
	{ method: 'post', path: '/api/escalations/{id}/verdict', tag: 'escalations', summary: 'Resolve with a verdict', who: 'lead', body: verdictInputSchema },
	{ method: 'post', path: '/api/escalations/{id}/dismiss', tag: 'escalations', summary: 'Dismiss', who: 'lead', body: transitionNoteSchema },
	{ method: 'post', path: '/api/projects/{pid}/calibrations', tag: 'calibrations', summary: 'Start a calibration session', who: 'lead', body: createCalibrationSchema, status: 201 },
	{ method: 'get', path: '/api/calibrations/{id}', tag: 'calibrations', summary: 'A session; others’ scores only after reveal', who: 'participant, lead, manager' },
	{ method: 'post', path: '/api/calibrations/{id}/items/{itemId}/scores', tag: 'calibrations', summary: 'Blind score for the current round', who: 'participant', body: calibrationScoreInputSchema },
	{ method: 'post', path: '/api/calibrations/{id}/reveal', tag: 'calibrations', summary: 'Reveal the scores', who: 'lead' },
	{ method: 'post', path: '/api/calibrations/{id}/rounds', tag: 'calibrations', summary: 'Start a re-score round', who: 'lead', body: roundInputSchema },
	{ method: 'post', path: '/api/calibrations/{id}/close', tag: 'calibrations', summary: 'Close the session', who: 'lead' },
	{ method: 'post', path: '/api/calibrations/{id}/items/{itemId}/consensus', tag: 'calibrations', summary: 'Record consensus (becomes gold)', who: 'lead', body: consensusInputSchema },
	{ method: 'get', path: '/api/calibrations/{id}/report', tag: 'calibrations', summary: 'Agreement per round and deviation per participant', who: 'lead, manager' },
	{ method: 'get', path: '/api/projects/{pid}/agreement', tag: 'agreement', summary: 'Agreement per dimension (or per evaluator with by=evaluator)', who: 'lead, manager', query: agreementQuerySchema, produces: { 'application/json': 'the figures (default)', 'text/csv': 'the same table with format=csv' } },
	{ method: 'get', path: '/api/projects/{pid}/agreement/items', tag: 'agreement', summary: 'The most-disagreed items', who: 'lead, manager', query: disagreementQuerySchema, produces: { 'application/json': 'the figures (default)', 'text/csv': 'the same table with format=csv' } },
	{ method: 'get', path: '/api/projects/{pid}/agreement/matrix', tag: 'agreement', summary: 'Evaluator × evaluator agreement for one dimension', who: 'lead, manager', query: matrixQuerySchema, produces: { 'application/json': 'the figures (default)', 'text/csv': 'the same table with format=csv' } },
	{ method: 'get', path: '/api/projects/{pid}/agreement/timeline', tag: 'agreement', summary: 'Agreement per day or week', who: 'lead, manager', query: timelineQuerySchema, produces: { 'application/json': 'the figures (default)', 'text/csv': 'the same table with format=csv' } },
	{ method: 'get', path: '/api/projects/{pid}/throughput', tag: 'agreement', summary: 'Evaluations per day or week, time per item, turnaround', who: 'lead, manager', query: throughputQuerySchema, produces: { 'application/json': 'the figures (default)', 'text/csv': 'the same table with format=csv' } },
	{ method: 'get', path: '/api/projects/{pid}/guidelines', tag: 'guidelines', summary: 'Guideline documents', who: 'member' },
	{ method: 'post', path: '/api/projects/{pid}/guidelines', tag: 'guidelines', summary: 'Create a guideline', who: 'lead', body: createGuidelineSchema, status: 201 },
	{ method: 'post', path: '/api/guidelines/{id}/publish', tag: 'guidelines', summary: 'Freeze the live draft as version n+1', who: 'lead', body: publishInputSchema, status: 201 },
	{ method: 'get', path: '/api/guidelines/{id}/versions', tag: 'guidelines', summary: 'Published versions', who: 'member' },
	{ method: 'get', path: '/api/guidelines/{id}/diff', tag: 'guidelines', summary: 'Diff between two versions', who: 'member', query: diffQuerySchema },
	{ method: 'post', path: '/api/guidelines/{id}/versions/{n}/ack', tag: 'guidelines', summary: 'Acknowledge a version', who: 'member' },
	{
		method: 'get',
		path: '/api/projects/{pid}/export',
		tag: 'exports',
		summary: 'Streamed export (evaluations, gold, escalations, agreement, pairs, Label Studio, guidelines, items)',
		who: 'lead, manager',
		query: exportQuerySchema,
		produces: { 'application/x-ndjson': 'jsonl, gold, escalations, pairs, items', 'text/csv': 'csv, csv-wide, agreement', 'application/json': 'labelstudio', 'text/markdown': 'guidelines' }
	},
	{ method: 'get', path: '/api/projects/{pid}/webhooks', tag: 'webhooks', summary: 'Webhook subscriptions', who: 'lead' },
	{ method: 'post', path: '/api/projects/{pid}/webhooks', tag: 'webhooks', summary: 'Subscribe a URL to events (secret shown once)', who: 'lead', body: webhookInputSchema, status: 201 },
	{ method: 'delete', path: '/api/webhooks/{id}', tag: 'webhooks', summary: 'Delete a webhook and its log', who: 'lead' },
	{ method: 'get', path: '/api/webhooks/{id}/deliveries', tag: 'webhooks', summary: 'Delivery log (newest first)', who: 'lead' }
];

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
	const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
	return rest;
}

function queryParameters(schema: z.ZodType) {
	const s = jsonSchema(schema) as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
	return Object.entries(s.properties ?? {}).map(([name, prop]) => ({ name, in: 'query', required: s.required?.includes(name) ?? false, schema: prop }));
}

const pathParameters = (path: string) => [...path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));

function operationObject(op: Operation) {
	const status = String(op.status ?? 200);
	const content = op.produces ? Object.fromEntries(Object.entries(op.produces).map(([type, description]) => [type, { schema: { type: 'string', description } }])) : { 'application/json': { schema: { type: 'object' } } };
	const requestBody = op.body
		? { required: true, content: { 'application/json': { schema: jsonSchema(op.body) } } }
		: op.rawBody
			? { required: true, content: Object.fromEntries(Object.entries(op.rawBody).map(([type, description]) => [type, { schema: { type: 'string', description } }])) }
			: undefined;
	return {
		tags: [op.tag],
		summary: op.summary,
		description: `Who: ${op.who}.`,
		operationId: `${op.method}${op.path.replace(/^\/api/, '').replace(/\{(\w+)\}/g, 'By_$1').replace(/[^A-Za-z0-9]+(\w)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase())}`,
		parameters: [...pathParameters(op.path), ...(op.query ? queryParameters(op.query) : [])],
		...(requestBody ? { requestBody } : {}),
		responses: {
			[status]: { description: 'Success', content },
			default: { description: 'An error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } }
		}
	};
}

export function openApiDocument(version: string) {
	const paths: Record<string, Record<string, unknown>> = {};
	for (const op of OPERATIONS) (paths[op.path] ??= {})[op.method] = operationObject(op);
	return {
		openapi: '3.1.0',
		info: { title: 'Concord API', version, description: 'REST for decisions, Yjs for conversation. Errors are { error: { code, message, details? } }.' },
		servers: [{ url: '/' }],
		tags: [...new Set(OPERATIONS.map((o) => o.tag))].map((name) => ({ name })),
		paths,
		components: {
			securitySchemes: {
				cookie: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
				bearer: { type: 'http', scheme: 'bearer' }
			},
			schemas: {
				Error: jsonSchema(z.object({ error: z.object({ code: z.enum(ERROR_CODES), message: z.string(), details: z.unknown().optional() }) })),
				ItemInput: jsonSchema(itemInputSchema)
			}
		},
		security: [{ cookie: [] }, { bearer: [] }]
	};
}
