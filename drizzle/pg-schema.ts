// The relational record of Concord in PostgreSQL types: the same tables as drizzle/schema.ts, for drizzle-kit to
// generate drizzle/pg-migrations from. The application never imports this file: every query is written once
// against the SQLite tables of drizzle/schema.ts and, with DATABASE_URL, runs on PostgreSQL through node-postgres
// (server/db/client.ts). So each column here must take and give back the values the SQLite column objects map:
// - times and counters are integers (`bigint` in number mode, `integer` where values stay small);
// - JSON columns are `text`, not json/jsonb: the SQLite columns stringify and parse, and key order is kept;
// - booleans are `boolean`: the SQLite boolean column writes 1/0, which PostgreSQL's boolean input accepts, and
//   reads back `Number(value) === 1`, which holds for `true`;
// - blobs are `bytea` (node-postgres sends and returns a Buffer);
// - an autoincrement key is an identity column (inserts leave it out and read it back with RETURNING).
// Drizzle has no single schema for two dialects, hence two files. They stay equal through
// tests/unit/schema-parity.test.ts: same tables, column names, nullability, keys, foreign keys, uniques, index
// names. A change to the record is made in both files, then `npm run db:generate` writes both migrations.
import { sql } from 'drizzle-orm';
import {
	bigint,
	boolean,
	customType,
	index,
	integer,
	pgTable,
	primaryKey,
	text,
	uniqueIndex
} from 'drizzle-orm/pg-core';

const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });
/** A 64-bit integer read as a number: times in milliseconds since the epoch, sizes, ids of the update logs. */
const int8 = (name: string) => bigint(name, { mode: 'number' });
const id = () => text('id').primaryKey();
const createdAt = () => int8('created_at').notNull();
const json = (name: string) => text(name);

export const users = pgTable('users', {
	id: id(),
	email: text('email').notNull().unique(),
	name: text('name').notNull(),
	passwordHash: text('password_hash').notNull(),
	isAdmin: boolean('is_admin').notNull().default(false),
	locale: text('locale'),
	createdAt: createdAt(),
	deactivatedAt: int8('deactivated_at'),
	lastSignInAt: int8('last_sign_in_at')
});

export const userIdentities = pgTable(
	'user_identities',
	{
		id: id(),
		userId: text('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		issuer: text('issuer').notNull(),
		subject: text('subject').notNull(),
		email: text('email').notNull(),
		createdAt: createdAt(),
		lastSignInAt: int8('last_sign_in_at')
	},
	(t) => [uniqueIndex('user_identities_subject').on(t.issuer, t.subject), index('user_identities_user').on(t.userId)]
);

export const oidcLogins = pgTable('oidc_logins', {
	id: id(),
	nonce: text('nonce').notNull(),
	codeVerifier: text('code_verifier').notNull(),
	invitationTokenHash: text('invitation_token_hash'),
	returnTo: text('return_to'),
	createdAt: createdAt(),
	expiresAt: int8('expires_at').notNull()
});

export const passwordResets = pgTable(
	'password_resets',
	{
		id: id(),
		userId: text('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		tokenHash: text('token_hash').notNull().unique(),
		createdBy: text('created_by'),
		createdAt: createdAt(),
		expiresAt: int8('expires_at').notNull(),
		usedAt: int8('used_at')
	},
	(t) => [index('password_resets_user').on(t.userId)]
);

export const authSessions = pgTable(
	'auth_sessions',
	{
		id: id(),
		userId: text('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		createdAt: createdAt(),
		expiresAt: int8('expires_at').notNull()
	},
	(t) => [index('auth_sessions_user').on(t.userId)]
);

export const apiTokens = pgTable('api_tokens', {
	id: id(),
	userId: text('user_id')
		.notNull()
		.references(() => users.id, { onDelete: 'cascade' }),
	name: text('name').notNull(),
	tokenHash: text('token_hash').notNull().unique(),
	createdAt: createdAt(),
	lastUsedAt: int8('last_used_at'),
	expiresAt: int8('expires_at')
});

export const projects = pgTable('projects', {
	id: id(),
	name: text('name').notNull(),
	description: text('description').notNull().default(''),
	settings: json('settings').notNull(),
	evaluationSeq: int8('evaluation_seq').notNull().default(0),
	createdAt: createdAt()
});

export const memberships = pgTable(
	'memberships',
	{
		projectId: text('project_id')
			.notNull()
			.references(() => projects.id, { onDelete: 'cascade' }),
		userId: text('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		role: text('role', { enum: ['evaluator', 'lead', 'manager'] }).notNull(),
		createdAt: createdAt()
	},
	(t) => [primaryKey({ columns: [t.projectId, t.userId] }), index('memberships_user').on(t.userId)]
);

export const invitations = pgTable(
	'invitations',
	{
		id: id(),
		projectId: text('project_id')
			.notNull()
			.references(() => projects.id, { onDelete: 'cascade' }),
		email: text('email').notNull(),
		role: text('role', { enum: ['evaluator', 'lead', 'manager'] }).notNull(),
		tokenHash: text('token_hash').notNull().unique(),
		invitedBy: text('invited_by'),
		createdAt: createdAt(),
		expiresAt: int8('expires_at').notNull(),
		acceptedAt: int8('accepted_at'),
		acceptedBy: text('accepted_by'),
		revokedAt: int8('revoked_at')
	},
	(t) => [index('invitations_project').on(t.projectId, t.createdAt)]
);

export const rubrics = pgTable(
	'rubrics',
	{
		id: id(),
		projectId: text('project_id')
			.notNull()
			.references(() => projects.id, { onDelete: 'cascade' }),
		familyId: text('family_id').notNull(),
		name: text('name').notNull(),
		version: integer('version').notNull(),
		definition: json('definition').notNull(),
		createdAt: createdAt()
	},
	(t) => [uniqueIndex('rubrics_family_version').on(t.familyId, t.version), index('rubrics_project').on(t.projectId)]
);

export const items = pgTable(
	'items',
	{
		id: id(),
		projectId: text('project_id')
			.notNull()
			.references(() => projects.id, { onDelete: 'cascade' }),
		externalId: text('external_id'),
		modality: text('modality').notNull(),
		payload: json('payload').notNull(),
		language: text('language').notNull().default('en'),
		metadata: json('metadata').notNull(),
		gold: json('gold'),
		submittedCount: integer('submitted_count').notNull().default(0),
		wanted: boolean('wanted').notNull().default(true),
		touched: boolean('touched').notNull().default(false),
		createdAt: createdAt()
	},
	(t) => [
		uniqueIndex('items_project_external').on(t.projectId, t.externalId),
		index('items_project').on(t.projectId, t.createdAt, t.id),
		index('items_wanted').on(t.projectId, t.wanted, t.createdAt, t.id),
		// Queue progress: wanted items nobody touched, counted per filter from the index alone.
		index('items_untouched').on(t.projectId, t.wanted, t.touched, t.modality, t.language),
		// The queue's and escalation list's modality/language filters read no item rows.
		index('items_facets').on(t.id, t.modality, t.language),
		// A project's gold answers (agreement by evaluator) without walking its items.
		index('items_project_gold')
			.on(t.projectId)
			.where(sql`gold is not null`)
	]
);

export const projectFacets = pgTable(
	'project_facets',
	{
		projectId: text('project_id')
			.notNull()
			.references(() => projects.id, { onDelete: 'cascade' }),
		modality: text('modality').notNull(),
		language: text('language').notNull(),
		items: integer('items').notNull()
	},
	(t) => [primaryKey({ columns: [t.projectId, t.modality, t.language] })]
);

export const media = pgTable('media', {
	sha256: text('sha256').primaryKey(),
	mime: text('mime').notNull(),
	size: int8('size').notNull(),
	createdAt: createdAt()
});

export const itemMedia = pgTable(
	'item_media',
	{
		itemId: text('item_id')
			.notNull()
			.references(() => items.id, { onDelete: 'cascade' }),
		sha256: text('sha256').notNull()
	},
	(t) => [primaryKey({ columns: [t.itemId, t.sha256] }), index('item_media_sha').on(t.sha256)]
);

export const mediaUploads = pgTable(
	'media_uploads',
	{
		sha256: text('sha256').notNull(),
		userId: text('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		createdAt: createdAt()
	},
	(t) => [primaryKey({ columns: [t.sha256, t.userId] })]
);

export const assignments = pgTable(
	'assignments',
	{
		itemId: text('item_id')
			.notNull()
			.references(() => items.id, { onDelete: 'cascade' }),
		userId: text('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		state: text('state', { enum: ['reserved', 'done', 'skipped'] }).notNull(),
		skipReason: text('skip_reason'),
		reservedAt: int8('reserved_at').notNull(),
		updatedAt: int8('updated_at').notNull()
	},
	(t) => [primaryKey({ columns: [t.itemId, t.userId] }), index('assignments_user').on(t.userId, t.state)]
);

export const evaluations = pgTable(
	'evaluations',
	{
		id: id(),
		projectId: text('project_id')
			.notNull()
			.references(() => projects.id, { onDelete: 'cascade' }),
		itemId: text('item_id')
			.notNull()
			.references(() => items.id, { onDelete: 'cascade' }),
		evaluatorId: text('evaluator_id')
			.notNull()
			.references(() => users.id),
		rubricId: text('rubric_id')
			.notNull()
			.references(() => rubrics.id),
		rubricVersion: integer('rubric_version').notNull(),
		guidelineVersionId: text('guideline_version_id'),
		scores: json('scores').notNull(),
		flags: json('flags').notNull(),
		tags: json('tags').notNull(),
		spans: json('spans').notNull(),
		rationale: text('rationale').notNull().default(''),
		sources: json('sources').notNull(),
		timeSpentMs: int8('time_spent_ms').notNull().default(0),
		state: text('state', { enum: ['draft', 'submitted'] }).notNull(),
		reviewRequestedAt: int8('review_requested_at'),
		suggestionId: text('suggestion_id'),
		createdAt: createdAt(),
		updatedAt: int8('updated_at').notNull(),
		submittedAt: int8('submitted_at')
	},
	(t) => [
		uniqueIndex('evaluations_item_evaluator').on(t.itemId, t.evaluatorId),
		index('evaluations_evaluator').on(t.evaluatorId),
		index('evaluations_project_evaluator').on(t.projectId, t.evaluatorId, t.state, t.reviewRequestedAt, t.itemId),
		index('evaluations_project_submitted').on(t.projectId, t.state, t.submittedAt, t.id),
		index('evaluations_review')
			.on(t.evaluatorId, t.projectId)
			.where(sql`review_requested_at is not null`)
	]
);

export const auditLog = pgTable(
	'audit_log',
	{
		id: int8('id').primaryKey().generatedAlwaysAsIdentity(),
		at: int8('at').notNull(),
		actorId: text('actor_id'),
		projectId: text('project_id'),
		action: text('action').notNull(),
		entityType: text('entity_type').notNull(),
		entityId: text('entity_id').notNull(),
		data: json('data')
	},
	(t) => [
		index('audit_entity').on(t.entityType, t.entityId),
		index('audit_project').on(t.projectId, t.at),
		index('audit_at').on(t.at),
		index('audit_actor').on(t.actorId, t.at)
	]
);

// ---- Calibration -----------------------------------------------------------------------------------------

export const calibrations = pgTable('calibrations', {
	id: id(),
	projectId: text('project_id')
		.notNull()
		.references(() => projects.id, { onDelete: 'cascade' }),
	title: text('title').notNull(),
	rubricId: text('rubric_id')
		.notNull()
		.references(() => rubrics.id),
	phase: text('phase', { enum: ['scoring', 'revealed', 'closed', 'cancelled'] }).notNull(),
	round: integer('round').notNull().default(1),
	createdBy: text('created_by')
		.notNull()
		.references(() => users.id),
	createdAt: createdAt(),
	closedAt: int8('closed_at')
});

export const calibrationItems = pgTable(
	'calibration_items',
	{
		calibrationId: text('calibration_id')
			.notNull()
			.references(() => calibrations.id, { onDelete: 'cascade' }),
		itemId: text('item_id')
			.notNull()
			.references(() => items.id),
		position: integer('position').notNull(),
		activeRound: integer('active_round').notNull().default(1)
	},
	(t) => [primaryKey({ columns: [t.calibrationId, t.itemId] })]
);

export const calibrationParticipants = pgTable(
	'calibration_participants',
	{
		calibrationId: text('calibration_id')
			.notNull()
			.references(() => calibrations.id, { onDelete: 'cascade' }),
		userId: text('user_id')
			.notNull()
			.references(() => users.id)
	},
	(t) => [primaryKey({ columns: [t.calibrationId, t.userId] }), index('calibration_participants_user').on(t.userId)]
);

export const calibrationRounds = pgTable(
	'calibration_rounds',
	{
		calibrationId: text('calibration_id')
			.notNull()
			.references(() => calibrations.id, { onDelete: 'cascade' }),
		round: integer('round').notNull(),
		startedAt: int8('started_at').notNull(),
		revealedAt: int8('revealed_at')
	},
	(t) => [primaryKey({ columns: [t.calibrationId, t.round] })]
);

export const calibrationScores = pgTable(
	'calibration_scores',
	{
		id: id(),
		calibrationId: text('calibration_id')
			.notNull()
			.references(() => calibrations.id, { onDelete: 'cascade' }),
		itemId: text('item_id')
			.notNull()
			.references(() => items.id),
		userId: text('user_id')
			.notNull()
			.references(() => users.id),
		round: integer('round').notNull(),
		scores: json('scores').notNull(),
		rationale: text('rationale').notNull().default(''),
		spans: json('spans').notNull(),
		timeSpentMs: int8('time_spent_ms').notNull().default(0),
		submittedAt: int8('submitted_at').notNull()
	},
	(t) => [uniqueIndex('calibration_scores_unique').on(t.calibrationId, t.itemId, t.userId, t.round)]
);

export const calibrationConsensus = pgTable(
	'calibration_consensus',
	{
		calibrationId: text('calibration_id')
			.notNull()
			.references(() => calibrations.id, { onDelete: 'cascade' }),
		itemId: text('item_id')
			.notNull()
			.references(() => items.id),
		scores: json('scores').notNull(),
		note: text('note').notNull().default(''),
		decidedBy: text('decided_by')
			.notNull()
			.references(() => users.id),
		decidedAt: int8('decided_at').notNull()
	},
	(t) => [primaryKey({ columns: [t.calibrationId, t.itemId] })]
);

// ---- Escalations -----------------------------------------------------------------------------------------

export const escalations = pgTable(
	'escalations',
	{
		id: id(),
		projectId: text('project_id')
			.notNull()
			.references(() => projects.id, { onDelete: 'cascade' }),
		itemId: text('item_id')
			.notNull()
			.references(() => items.id),
		source: text('source', { enum: ['manual', 'auto'] }).notNull(),
		openedBy: text('opened_by').references(() => users.id),
		reason: text('reason').notNull(),
		note: text('note').notNull().default(''),
		dimension: text('dimension'),
		state: text('state', { enum: ['open', 'in_review', 'resolved', 'dismissed'] }).notNull(),
		claimedBy: text('claimed_by').references(() => users.id),
		claimedAt: int8('claimed_at'),
		closedAt: int8('closed_at'),
		verdictScores: json('verdict_scores'),
		reasonCode: text('reason_code'),
		verdictNote: text('verdict_note'),
		guidelineVersionId: text('guideline_version_id'),
		createdAt: createdAt()
	},
	(t) => [
		index('escalations_project_state').on(t.projectId, t.state, t.createdAt, t.id),
		index('escalations_project_opener').on(t.projectId, t.openedBy),
		index('escalations_project_created').on(t.projectId, t.createdAt, t.id),
		index('escalations_item').on(t.itemId)
	]
);

export const notifications = pgTable(
	'notifications',
	{
		id: id(),
		userId: text('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		projectId: text('project_id').references(() => projects.id, { onDelete: 'cascade' }),
		kind: text('kind').notNull(),
		data: json('data').notNull(),
		createdAt: createdAt(),
		readAt: int8('read_at')
	},
	(t) => [
		index('notifications_user').on(t.userId, t.readAt),
		index('notifications_user_created').on(t.userId, t.createdAt, t.id)
	]
);

// ---- Guidelines ------------------------------------------------------------------------------------------

export const guidelines = pgTable(
	'guidelines',
	{
		id: id(),
		projectId: text('project_id')
			.notNull()
			.references(() => projects.id, { onDelete: 'cascade' }),
		title: text('title').notNull(),
		createdBy: text('created_by').references(() => users.id),
		createdAt: createdAt()
	},
	// A project's guidelines, oldest first (the first is its main one): every save reads its current version.
	(t) => [index('guidelines_project').on(t.projectId, t.createdAt)]
);

export const guidelineVersions = pgTable(
	'guideline_versions',
	{
		id: id(),
		guidelineId: text('guideline_id')
			.notNull()
			.references(() => guidelines.id, { onDelete: 'cascade' }),
		number: integer('number').notNull(),
		content: json('content').notNull(),
		markdown: text('markdown').notNull(),
		changelog: text('changelog').notNull().default(''),
		dimensions: json('dimensions').notNull(),
		publishedBy: text('published_by').references(() => users.id),
		publishedAt: int8('published_at').notNull()
	},
	(t) => [uniqueIndex('guideline_versions_number').on(t.guidelineId, t.number)]
);

export const guidelineVersionEscalations = pgTable(
	'guideline_version_escalations',
	{
		versionId: text('version_id')
			.notNull()
			.references(() => guidelineVersions.id, { onDelete: 'cascade' }),
		escalationId: text('escalation_id')
			.notNull()
			.references(() => escalations.id, { onDelete: 'cascade' })
	},
	(t) => [primaryKey({ columns: [t.versionId, t.escalationId] })]
);

export const guidelineAcks = pgTable(
	'guideline_acks',
	{
		versionId: text('version_id')
			.notNull()
			.references(() => guidelineVersions.id, { onDelete: 'cascade' }),
		userId: text('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		at: int8('at').notNull()
	},
	(t) => [primaryKey({ columns: [t.versionId, t.userId] })]
);

// ---- Collaboration persistence ---------------------------------------------------------------------------

export const docUpdates = pgTable(
	'doc_updates',
	{
		id: int8('id').primaryKey().generatedAlwaysAsIdentity(),
		room: text('room').notNull(),
		data: bytea('data').notNull(),
		createdAt: createdAt()
	},
	(t) => [index('doc_updates_room').on(t.room, t.id)]
);

export const docSnapshots = pgTable('doc_snapshots', {
	room: text('room').primaryKey(),
	data: bytea('data').notNull(),
	lastUpdateId: int8('last_update_id').notNull().default(0),
	updatedAt: int8('updated_at')
		.notNull()
		.default(sql`0`)
});

// ---- Webhooks --------------------------------------------------------------------------------------------

export const webhooks = pgTable(
	'webhooks',
	{
		id: id(),
		projectId: text('project_id')
			.notNull()
			.references(() => projects.id, { onDelete: 'cascade' }),
		url: text('url').notNull(),
		secret: text('secret').notNull(),
		events: json('events').notNull(),
		createdBy: text('created_by').references(() => users.id),
		createdAt: createdAt()
	},
	(t) => [index('webhooks_project').on(t.projectId)]
);

export const webhookDeliveries = pgTable(
	'webhook_deliveries',
	{
		id: id(),
		webhookId: text('webhook_id')
			.notNull()
			.references(() => webhooks.id, { onDelete: 'cascade' }),
		event: text('event').notNull(),
		body: text('body').notNull(),
		state: text('state', { enum: ['pending', 'delivered', 'failed'] }).notNull(),
		attempts: integer('attempts').notNull().default(0),
		lastStatus: integer('last_status'),
		lastError: text('last_error'),
		nextAttemptAt: int8('next_attempt_at'),
		createdAt: createdAt(),
		deliveredAt: int8('delivered_at')
	},
	(t) => [
		index('webhook_deliveries_webhook').on(t.webhookId, t.createdAt, t.id),
		index('webhook_deliveries_pending').on(t.state, t.nextAttemptAt)
	]
);

// ---- Model judges ----------------------------------------------------------------------------------------

export const judges = pgTable(
	'judges',
	{
		id: id(),
		projectId: text('project_id')
			.notNull()
			.references(() => projects.id, { onDelete: 'cascade' }),
		name: text('name').notNull(),
		kind: text('kind', { enum: ['endpoint', 'imported'] }).notNull(),
		config: json('config').notNull(),
		createdBy: text('created_by').references(() => users.id),
		createdAt: createdAt(),
		archivedAt: int8('archived_at')
	},
	(t) => [uniqueIndex('judges_project_name').on(t.projectId, t.name)]
);

export const judgeRuns = pgTable(
	'judge_runs',
	{
		id: id(),
		projectId: text('project_id')
			.notNull()
			.references(() => projects.id, { onDelete: 'cascade' }),
		judgeId: text('judge_id')
			.notNull()
			.references(() => judges.id, { onDelete: 'cascade' }),
		state: text('state', { enum: ['queued', 'running', 'done', 'failed', 'cancelled'] }).notNull(),
		selection: json('selection').notNull(),
		promptHash: text('prompt_hash').notNull(),
		guidelineVersionId: text('guideline_version_id').notNull().default(''),
		total: integer('total').notNull().default(0),
		done: integer('done').notNull().default(0),
		failed: integer('failed').notNull().default(0),
		skipped: integer('skipped').notNull().default(0),
		error: text('error'),
		createdBy: text('created_by').references(() => users.id),
		createdAt: createdAt(),
		startedAt: int8('started_at'),
		finishedAt: int8('finished_at'),
		cancelRequestedAt: int8('cancel_requested_at'),
		leaseUntil: int8('lease_until')
	},
	(t) => [index('judge_runs_judge').on(t.judgeId, t.createdAt), index('judge_runs_state').on(t.state)]
);

export const judgeRunItems = pgTable(
	'judge_run_items',
	{
		runId: text('run_id')
			.notNull()
			.references(() => judgeRuns.id, { onDelete: 'cascade' }),
		itemId: text('item_id')
			.notNull()
			.references(() => items.id, { onDelete: 'cascade' }),
		state: text('state', { enum: ['pending', 'done', 'failed', 'skipped'] }).notNull(),
		attempts: integer('attempts').notNull().default(0),
		error: text('error'),
		raw: text('raw'),
		updatedAt: int8('updated_at').notNull()
	},
	(t) => [primaryKey({ columns: [t.runId, t.itemId] }), index('judge_run_items_state').on(t.runId, t.state)]
);

export const judgeEvaluations = pgTable(
	'judge_evaluations',
	{
		id: id(),
		projectId: text('project_id')
			.notNull()
			.references(() => projects.id, { onDelete: 'cascade' }),
		judgeId: text('judge_id')
			.notNull()
			.references(() => judges.id, { onDelete: 'cascade' }),
		itemId: text('item_id')
			.notNull()
			.references(() => items.id, { onDelete: 'cascade' }),
		runId: text('run_id'),
		source: text('source', { enum: ['run', 'import'] }).notNull(),
		rubricId: text('rubric_id')
			.notNull()
			.references(() => rubrics.id),
		rubricVersion: integer('rubric_version').notNull(),
		guidelineVersionId: text('guideline_version_id').notNull().default(''),
		model: text('model').notNull(),
		promptHash: text('prompt_hash').notNull(),
		scores: json('scores').notNull(),
		flags: json('flags').notNull(),
		rationale: text('rationale').notNull().default(''),
		latencyMs: integer('latency_ms'),
		createdAt: createdAt()
	},
	(t) => [
		uniqueIndex('judge_evaluations_key').on(t.judgeId, t.itemId, t.promptHash, t.guidelineVersionId),
		index('judge_evaluations_project').on(t.projectId, t.judgeId, t.createdAt),
		index('judge_evaluations_item').on(t.itemId)
	]
);
