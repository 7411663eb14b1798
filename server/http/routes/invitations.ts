// A project's invitations, managed by its leads and by admins: issue one (the link is answered once and, with
// SMTP_URL, mailed in the inviter's language), list them by state a page at a time (never with a link: only its
// hash is stored), revoke a pending one. The link's holder previews and accepts it in invitation-accept.ts.
import { Hono } from 'hono';
import type { AppEnv } from '../env';
import { requireProject, requireProjectRow } from '../access';
import { validate } from '../validate';
import { doc } from '../openapi';
import { publicOrigin } from '../client';
import { NotFound } from '../../domain/errors';
import { invitationMail } from '../../domain/invitation-mail';
import { createInvitation, invitationById, listInvitations, revokeInvitation } from '../../db/project-invitations';
import { sendMail } from '../../mail';
import { createInvitationSchema, invitationListQuerySchema, type CreatedInvitation } from '#shared/invitations';
import { isLocale } from '#shared/locales';

const app = new Hono<AppEnv>();

app.post(
	'/projects/:pid/invitations',
	doc(
		'projects',
		'Invite someone by email with a role: a single-use link, answered once (and mailed when SMTP_URL is set); replaces a pending invitation to the same address; 409 for a member who already has that role or a higher one',
		'lead of the project, admin',
		{ status: 201 }
	),
	validate('json', createInvitationSchema),
	async (c) => {
		const pid = c.req.param('pid');
		const { user, project } = await requireProjectRow(c, pid, 'member.invite');
		const { email, role } = c.req.valid('json');
		const { config, db, logger } = c.var.deps;
		const created = await createInvitation(
			db,
			{ projectId: pid, email, role, ttlMs: config.identity.invitationTtlMs },
			user
		);
		const url = `${publicOrigin(c)}/invite/${created.token}`;
		const answer: CreatedInvitation = { invitation: { ...created.invitation, url }, mailed: false, mailProblem: null };
		const facts = {
			to: email,
			inviterName: user.name,
			projectName: project.name,
			role,
			expiresAt: created.invitation.expiresAt,
			url
		};
		try {
			answer.mailed = await sendMail(
				config.mail,
				invitationMail(facts, user.locale && isLocale(user.locale) ? user.locale : 'en')
			);
		} catch (err) {
			// The invitation stands: the inviter copies the link and sends it some other way.
			logger.warn({ err, invitationId: created.invitation.id, projectId: pid }, 'invitation mail not sent');
			answer.mailProblem = 'The mail could not be sent; copy the link and send it yourself';
		}
		return c.json(answer, 201);
	}
);

app.get(
	'/projects/:pid/invitations',
	doc(
		'projects',
		"A project's invitations, newest first, paged; pending ones unless ?state= says otherwise (never their links)",
		'lead of the project, admin'
	),
	validate('query', invitationListQuerySchema),
	async (c) => {
		const pid = c.req.param('pid');
		await requireProject(c, pid, 'member.invite');
		const { state, ...page } = c.req.valid('query');
		return c.json(await listInvitations(c.var.deps.db, pid, state, page));
	}
);

app.delete(
	'/invitations/:id',
	doc(
		'projects',
		'Revoke a pending invitation (409 once it is accepted, expired or revoked)',
		'lead of its project, admin'
	),
	async (c) => {
		const { db } = c.var.deps;
		const row = await invitationById(db, c.req.param('id'));
		if (!row) throw NotFound('No such invitation');
		const { user } = await requireProject(c, row.projectId, 'member.invite');
		await revokeInvitation(db, row.id, user.id);
		return c.json({ ok: true });
	}
);

export default app;
