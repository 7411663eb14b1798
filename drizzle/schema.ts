// The relational record of Concord (SQLite via drizzle). Every decision is a row here; Yjs holds conversation.
// Times are integer milliseconds since the epoch; ids are random strings; JSON columns hold zod-validated data.
import { sql } from 'drizzle-orm';
import type { JudgeSettings } from '../src/lib/shared/judges';
import { blob, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

const id = () => text('id').primaryKey();
const createdAt = () => integer('created_at').notNull();
const json = <T>(name: string) => text(name, { mode: 'json' }).$type<T>();

export const users = sqliteTable('users', {
	id: id(),
	email: text('email').notNull().unique(),
	name: text('name').notNull(),
	passwordHash: text('password_hash').notNull(),
	isAdmin: integer('is_admin', { mode: 'boolean' }).notNull().default(false),
	locale: text('locale'),
	createdAt: createdAt(),
	/** Set while an admin has deactivated the account: it cannot sign in, and no session or token of it counts. */
	deactivatedAt: integer('deactivated_at'),
	lastSignInAt: integer('last_sign_in_at')
});

/** Accounts at an OpenID Connect provider linked to a user: (issuer, subject) names one person for good. */
export const userIdentities = sqliteTable(
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
		lastSignInAt: integer('last_sign_in_at')
	},
	(t) => [uniqueIndex('user_identities_subject').on(t.issuer, t.subject), index('user_identities_user').on(t.userId)]
);

/** A sign-in through the provider in progress: what the callback must find again (looked up by the state's hash). */
export const oidcLogins = sqliteTable('oidc_logins', {
	id: id(),
	nonce: text('nonce').notNull(),
	codeVerifier: text('code_verifier').notNull(),
	/** The invitation being accepted through this sign-in, if any (its token's hash). */
	invitationTokenHash: text('invitation_token_hash'),
	returnTo: text('return_to'),
	createdAt: createdAt(),
	expiresAt: integer('expires_at').notNull()
});

/** A single-use link that sets a user's password (from an admin's reset). Stored as the token's hash. */
export const passwordResets = sqliteTable(
	'password_resets',
	{
		id: id(),
		userId: text('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		tokenHash: text('token_hash').notNull().unique(),
		createdBy: text('created_by'),
		createdAt: createdAt(),
		expiresAt: integer('expires_at').notNull(),
		usedAt: integer('used_at')
	},
	(t) => [index('password_resets_user').on(t.userId)]
);

export const authSessions = sqliteTable(
	'auth_sessions',
	{
		/** sha256 of the cookie value; the cookie itself is never stored. */
		id: id(),
		userId: text('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		createdAt: createdAt(),
		expiresAt: integer('expires_at').notNull()
	},
	(t) => [index('auth_sessions_user').on(t.userId)]
);

export const apiTokens = sqliteTable('api_tokens', {
	id: id(),
	userId: text('user_id')
		.notNull()
		.references(() => users.id, { onDelete: 'cascade' }),
	name: text('name').notNull(),
	tokenHash: text('token_hash').notNull().unique(),
	createdAt: createdAt(),
	/** Written at most once a minute per token (see db/users.ts), so a busy script does not write on every call. */
	lastUsedAt: integer('last_used_at'),
	/** Null: never expires. */
	expiresAt: integer('expires_at')
});

export interface ProjectSettings {
	/** How many evaluators score each item in the regular queue. */
	overlap: number;
	/** Auto-escalate an item when its agreement falls below this (0..1), once `minEvaluations` have scored. */
	agreementThreshold: number;
	minEvaluations: number;
	/** Per-dimension thresholds that override `agreementThreshold`. */
	dimensionThresholds?: Record<string, number>;
	/** Judge escalation and suggestions (both off when absent). */
	judges?: JudgeSettings;
}

export const projects = sqliteTable('projects', {
	id: id(),
	name: text('name').notNull(),
	description: text('description').notNull().default(''),
	settings: json<ProjectSettings>('settings').notNull(),
	/**
	 * Bumped in the transaction of every change to what the project's evaluations add up to (a submission, a
	 * reopened or re-scored evaluation, a re-review request, a skip, an overlap change): figures computed from them
	 * (queue progress, agreement) are cached under it and stay valid while it does not move.
	 */
	evaluationSeq: integer('evaluation_seq').notNull().default(0),
	createdAt: createdAt()
});

export const memberships = sqliteTable(
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

/** A single-use, expiring link that makes its holder a member of a project with a role. Stored as the token's hash. */
export const invitations = sqliteTable(
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
		expiresAt: integer('expires_at').notNull(),
		acceptedAt: integer('accepted_at'),
		acceptedBy: text('accepted_by'),
		revokedAt: integer('revoked_at')
	},
	(t) => [index('invitations_project').on(t.projectId, t.createdAt)]
);

export const rubrics = sqliteTable(
	'rubrics',
	{
		id: id(),
		projectId: text('project_id')
			.notNull()
			.references(() => projects.id, { onDelete: 'cascade' }),
		/** Versions of one rubric share a family id; each version is its own immutable row. */
		familyId: text('family_id').notNull(),
		name: text('name').notNull(),
		version: integer('version').notNull(),
		definition: json<import('../src/lib/shared/rubric').RubricDefinition>('definition').notNull(),
		createdAt: createdAt()
	},
	(t) => [uniqueIndex('rubrics_family_version').on(t.familyId, t.version), index('rubrics_project').on(t.projectId)]
);

export const items = sqliteTable(
	'items',
	{
		id: id(),
		projectId: text('project_id')
			.notNull()
			.references(() => projects.id, { onDelete: 'cascade' }),
		externalId: text('external_id'),
		modality: text('modality').notNull(),
		payload: json<unknown>('payload').notNull(),
		language: text('language').notNull().default('en'),
		metadata: json<Record<string, unknown>>('metadata').notNull(),
		gold: json<Record<string, unknown> | null>('gold'),
		/** How many evaluators submitted an evaluation of the item (kept with each save). */
		submittedCount: integer('submitted_count').notNull().default(0),
		/** Whether the item still wants evaluations: submitted_count below the project's overlap. */
		wanted: integer('wanted', { mode: 'boolean' }).notNull().default(true),
		/** Whether anyone ever reserved, skipped or evaluated the item (set once): queue progress counts the
		 * wanted items nobody touched from an index, and works out the others one by one. */
		touched: integer('touched', { mode: 'boolean' }).notNull().default(false),
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

/** The modality and language pairs a project's items have, with how many items each: filter menus read this. */
export const projectFacets = sqliteTable(
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

export const media = sqliteTable('media', {
	sha256: text('sha256').primaryKey(),
	mime: text('mime').notNull(),
	size: integer('size').notNull(),
	createdAt: createdAt()
});

/**
 * Which media each item references (every /media/<sha256> in its payload), written with the item: a media file is
 * served to a caller only when an item of one of their projects references it.
 */
export const itemMedia = sqliteTable(
	'item_media',
	{
		itemId: text('item_id')
			.notNull()
			.references(() => items.id, { onDelete: 'cascade' }),
		sha256: text('sha256').notNull()
	},
	(t) => [primaryKey({ columns: [t.itemId, t.sha256] }), index('item_media_sha').on(t.sha256)]
);

/** Who uploaded which media file: the uploader may see an upload before any item references it. */
export const mediaUploads = sqliteTable(
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

/** Queue reservations: who holds which item. With overlap k, at most k non-skipped rows per item. */
export const assignments = sqliteTable(
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
		reservedAt: integer('reserved_at').notNull(),
		updatedAt: integer('updated_at').notNull()
	},
	(t) => [primaryKey({ columns: [t.itemId, t.userId] }), index('assignments_user').on(t.userId, t.state)]
);

export const evaluations = sqliteTable(
	'evaluations',
	{
		id: id(),
		/** The item's project (copied from the item, so per-project reads need no join). */
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
		scores: json<Record<string, unknown>>('scores').notNull(),
		flags: json<string[]>('flags').notNull(),
		tags: json<string[]>('tags').notNull(),
		spans: json<unknown[]>('spans').notNull(),
		rationale: text('rationale').notNull().default(''),
		sources: json<unknown[]>('sources').notNull(),
		timeSpentMs: integer('time_spent_ms').notNull().default(0),
		state: text('state', { enum: ['draft', 'submitted'] }).notNull(),
		/** Set when a lead sends the item back for re-review (e.g. after a guideline change). */
		reviewRequestedAt: integer('review_requested_at'),
		/**
		 * The judge evaluation shown to the evaluator as a pre-annotation while she scored (judge suggestions on), or
		 * null: suggestions anchor people, so agreement can be split by it.
		 */
		suggestionId: text('suggestion_id'),
		createdAt: createdAt(),
		updatedAt: integer('updated_at').notNull(),
		submittedAt: integer('submitted_at')
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

export const auditLog = sqliteTable(
	'audit_log',
	{
		id: integer('id').primaryKey({ autoIncrement: true }),
		at: integer('at').notNull(),
		actorId: text('actor_id'),
		projectId: text('project_id'),
		action: text('action').notNull(),
		entityType: text('entity_type').notNull(),
		entityId: text('entity_id').notNull(),
		data: json<unknown>('data')
	},
	(t) => [
		index('audit_entity').on(t.entityType, t.entityId),
		index('audit_project').on(t.projectId, t.at),
		index('audit_at').on(t.at),
		index('audit_actor').on(t.actorId, t.at)
	]
);

// ---- Calibration -----------------------------------------------------------------------------------------

export const calibrations = sqliteTable('calibrations', {
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
	closedAt: integer('closed_at')
});

export const calibrationItems = sqliteTable(
	'calibration_items',
	{
		calibrationId: text('calibration_id')
			.notNull()
			.references(() => calibrations.id, { onDelete: 'cascade' }),
		itemId: text('item_id')
			.notNull()
			.references(() => items.id),
		position: integer('position').notNull(),
		/** Items re-scored in the current round (all when the round started for every item). */
		activeRound: integer('active_round').notNull().default(1)
	},
	(t) => [primaryKey({ columns: [t.calibrationId, t.itemId] })]
);

export const calibrationParticipants = sqliteTable(
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

export const calibrationRounds = sqliteTable(
	'calibration_rounds',
	{
		calibrationId: text('calibration_id')
			.notNull()
			.references(() => calibrations.id, { onDelete: 'cascade' }),
		round: integer('round').notNull(),
		startedAt: integer('started_at').notNull(),
		revealedAt: integer('revealed_at')
	},
	(t) => [primaryKey({ columns: [t.calibrationId, t.round] })]
);

export const calibrationScores = sqliteTable(
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
		scores: json<Record<string, unknown>>('scores').notNull(),
		rationale: text('rationale').notNull().default(''),
		spans: json<unknown[]>('spans').notNull(),
		timeSpentMs: integer('time_spent_ms').notNull().default(0),
		submittedAt: integer('submitted_at').notNull()
	},
	(t) => [uniqueIndex('calibration_scores_unique').on(t.calibrationId, t.itemId, t.userId, t.round)]
);

export const calibrationConsensus = sqliteTable(
	'calibration_consensus',
	{
		calibrationId: text('calibration_id')
			.notNull()
			.references(() => calibrations.id, { onDelete: 'cascade' }),
		itemId: text('item_id')
			.notNull()
			.references(() => items.id),
		scores: json<Record<string, unknown>>('scores').notNull(),
		note: text('note').notNull().default(''),
		decidedBy: text('decided_by')
			.notNull()
			.references(() => users.id),
		decidedAt: integer('decided_at').notNull()
	},
	(t) => [primaryKey({ columns: [t.calibrationId, t.itemId] })]
);

// ---- Escalations -----------------------------------------------------------------------------------------

export const escalations = sqliteTable(
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
		/** For automatic escalations: the dimension whose agreement fell below the threshold. */
		dimension: text('dimension'),
		state: text('state', { enum: ['open', 'in_review', 'resolved', 'dismissed'] }).notNull(),
		claimedBy: text('claimed_by').references(() => users.id),
		claimedAt: integer('claimed_at'),
		closedAt: integer('closed_at'),
		verdictScores: json<Record<string, unknown>>('verdict_scores'),
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

export const notifications = sqliteTable(
	'notifications',
	{
		id: id(),
		userId: text('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		projectId: text('project_id').references(() => projects.id, { onDelete: 'cascade' }),
		kind: text('kind').notNull(),
		data: json<Record<string, unknown>>('data').notNull(),
		createdAt: createdAt(),
		readAt: integer('read_at')
	},
	(t) => [
		index('notifications_user').on(t.userId, t.readAt),
		index('notifications_user_created').on(t.userId, t.createdAt, t.id)
	]
);

// ---- Guidelines ------------------------------------------------------------------------------------------

export const guidelines = sqliteTable(
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

export const guidelineVersions = sqliteTable(
	'guideline_versions',
	{
		id: id(),
		guidelineId: text('guideline_id')
			.notNull()
			.references(() => guidelines.id, { onDelete: 'cascade' }),
		number: integer('number').notNull(),
		/** ProseMirror JSON of the frozen draft, and its Markdown rendering (for diffs and export). */
		content: json<unknown>('content').notNull(),
		markdown: text('markdown').notNull(),
		changelog: text('changelog').notNull().default(''),
		/** Rubric dimensions this version's change touches (drives re-review). */
		dimensions: json<string[]>('dimensions').notNull(),
		publishedBy: text('published_by').references(() => users.id),
		publishedAt: integer('published_at').notNull()
	},
	(t) => [uniqueIndex('guideline_versions_number').on(t.guidelineId, t.number)]
);

export const guidelineVersionEscalations = sqliteTable(
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

export const guidelineAcks = sqliteTable(
	'guideline_acks',
	{
		versionId: text('version_id')
			.notNull()
			.references(() => guidelineVersions.id, { onDelete: 'cascade' }),
		userId: text('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		at: integer('at').notNull()
	},
	(t) => [primaryKey({ columns: [t.versionId, t.userId] })]
);

// ---- Collaboration persistence ---------------------------------------------------------------------------

/** Append-only Yjs update log per room; compacted into `docSnapshots`. */
export const docUpdates = sqliteTable(
	'doc_updates',
	{
		id: integer('id').primaryKey({ autoIncrement: true }),
		room: text('room').notNull(),
		data: blob('data', { mode: 'buffer' }).notNull(),
		createdAt: createdAt()
	},
	(t) => [index('doc_updates_room').on(t.room, t.id)]
);

export const docSnapshots = sqliteTable('doc_snapshots', {
	room: text('room').primaryKey(),
	data: blob('data', { mode: 'buffer' }).notNull(),
	/** Highest doc_updates.id folded into this snapshot. */
	lastUpdateId: integer('last_update_id').notNull().default(0),
	updatedAt: integer('updated_at')
		.notNull()
		.default(sql`0`)
});

// ---- Webhooks --------------------------------------------------------------------------------------------

/** Per-project webhook subscriptions; every delivery is signed with HMAC-SHA256 of the body using `secret`. */
export const webhooks = sqliteTable(
	'webhooks',
	{
		id: id(),
		projectId: text('project_id')
			.notNull()
			.references(() => projects.id, { onDelete: 'cascade' }),
		url: text('url').notNull(),
		/** Shown once at creation; kept in clear because signing needs it. */
		secret: text('secret').notNull(),
		events: json<string[]>('events').notNull(),
		createdBy: text('created_by').references(() => users.id),
		createdAt: createdAt()
	},
	(t) => [index('webhooks_project').on(t.projectId)]
);

/** The delivery log: one row per event per webhook, with its retry state. */
export const webhookDeliveries = sqliteTable(
	'webhook_deliveries',
	{
		id: id(),
		webhookId: text('webhook_id')
			.notNull()
			.references(() => webhooks.id, { onDelete: 'cascade' }),
		event: text('event').notNull(),
		/** The exact JSON body that is signed and sent on every attempt. */
		body: text('body').notNull(),
		state: text('state', { enum: ['pending', 'delivered', 'failed'] }).notNull(),
		attempts: integer('attempts').notNull().default(0),
		lastStatus: integer('last_status'),
		lastError: text('last_error'),
		nextAttemptAt: integer('next_attempt_at'),
		createdAt: createdAt(),
		deliveredAt: integer('delivered_at')
	},
	(t) => [
		index('webhook_deliveries_webhook').on(t.webhookId, t.createdAt, t.id),
		index('webhook_deliveries_pending').on(t.state, t.nextAttemptAt)
	]
);

// ---- Model judges ----------------------------------------------------------------------------------------

/** How a judge is reached (endpoint judges) and paced; the API key itself lives in the environment variable named. */
export interface JudgeConfig {
	/** OpenAI-compatible base URL (`…/v1`); absent for a judge whose scores are only imported. */
	baseUrl?: string;
	model: string;
	/** Name of the environment variable holding the API key (JUDGE_…); never the key. */
	apiKeyEnv?: string;
	temperature: number;
	concurrency: number;
	requestsPerMinute: number;
	/** A custom prompt template; the default one is built from the rubric, guideline and item when absent. */
	promptTemplate?: string;
}

/** A model judge of a project: one more rater, never a person. Endpoint judges are run; imported ones only scored. */
export const judges = sqliteTable(
	'judges',
	{
		id: id(),
		projectId: text('project_id')
			.notNull()
			.references(() => projects.id, { onDelete: 'cascade' }),
		name: text('name').notNull(),
		kind: text('kind', { enum: ['endpoint', 'imported'] }).notNull(),
		config: json<JudgeConfig>('config').notNull(),
		createdBy: text('created_by').references(() => users.id),
		createdAt: createdAt(),
		/** Retired judges keep their scores (and their place in agreement history) but cannot be run. */
		archivedAt: integer('archived_at')
	},
	(t) => [uniqueIndex('judges_project_name').on(t.projectId, t.name)]
);

/**
 * A background run of a judge over a selection of items. The selection is frozen into judge_run_items when the
 * run is created, so a run resumes after a restart by picking up its pending rows.
 */
export const judgeRuns = sqliteTable(
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
		/** What the lead asked for ({itemIds} / {calibrationId} / {filter}), as shown back. */
		selection: json<Record<string, unknown>>('selection').notNull(),
		/** sha256 of the prompt template the run renders (with the judge's model and temperature). */
		promptHash: text('prompt_hash').notNull(),
		/** The published guideline version the prompts carry ('' when the project has none). */
		guidelineVersionId: text('guideline_version_id').notNull().default(''),
		total: integer('total').notNull().default(0),
		done: integer('done').notNull().default(0),
		failed: integer('failed').notNull().default(0),
		/** Items already judged with the same judge, prompt and guideline version: not sent again. */
		skipped: integer('skipped').notNull().default(0),
		error: text('error'),
		createdBy: text('created_by').references(() => users.id),
		createdAt: createdAt(),
		startedAt: integer('started_at'),
		finishedAt: integer('finished_at'),
		cancelRequestedAt: integer('cancel_requested_at'),
		/** The node working the run keeps this fresh; a run whose lease lapsed is picked up by another node. */
		leaseUntil: integer('lease_until')
	},
	(t) => [index('judge_runs_judge').on(t.judgeId, t.createdAt), index('judge_runs_state').on(t.state)]
);

/** One item of a run: pending until judged (done), given up on (failed, with the last raw reply) or skipped. */
export const judgeRunItems = sqliteTable(
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
		/** Why the last attempt failed (HTTP status, timeout, a reply that did not fit the rubric). */
		error: text('error'),
		/** The last reply's raw text when it could not be used (bounded), for the lead to read. */
		raw: text('raw'),
		updatedAt: integer('updated_at').notNull()
	},
	(t) => [primaryKey({ columns: [t.runId, t.itemId] }), index('judge_run_items_state').on(t.runId, t.state)]
);

/**
 * A judge's scores for an item: an evaluation by a model, stamped with what produced it. At most one per judge,
 * item, prompt and guideline version (a run never judges an item twice; a re-import replaces, never duplicates).
 */
export const judgeEvaluations = sqliteTable(
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
		/** The run that produced it; null for imported scores. */
		runId: text('run_id'),
		source: text('source', { enum: ['run', 'import'] }).notNull(),
		rubricId: text('rubric_id')
			.notNull()
			.references(() => rubrics.id),
		rubricVersion: integer('rubric_version').notNull(),
		/** The published guideline version the judge was given ('' when none). */
		guidelineVersionId: text('guideline_version_id').notNull().default(''),
		model: text('model').notNull(),
		/** sha256 of the prompt template (runs) or 'import:<file kind>' (imports). */
		promptHash: text('prompt_hash').notNull(),
		scores: json<Record<string, unknown>>('scores').notNull(),
		flags: json<string[]>('flags').notNull(),
		rationale: text('rationale').notNull().default(''),
		/** How long the endpoint took to answer (runs). */
		latencyMs: integer('latency_ms'),
		createdAt: createdAt()
	},
	(t) => [
		uniqueIndex('judge_evaluations_key').on(t.judgeId, t.itemId, t.promptHash, t.guidelineVersionId),
		index('judge_evaluations_project').on(t.projectId, t.judgeId, t.createdAt),
		index('judge_evaluations_item').on(t.itemId)
	]
);
