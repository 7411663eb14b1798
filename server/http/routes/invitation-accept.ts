// What the holder of an invitation link does, signed in or not: preview it (project, role, inviter, expiry, and
// whether the invited email already has an account — the holder knows that email, nothing else is disclosed), and
// accept it. Without an account: name and password create one, redeemed in the same transaction, then signed in.
// With one: the token alone, while signed in as that account. Failed attempts with unknown or unusable links are
// limited per client address, as sign-in is (deps.bus counts them across nodes).
import { Hono } from 'hono';
import type { AppEnv } from '../env';
import type { AppDeps } from '../../deps';
import { validate } from '../validate';
import { doc } from '../openapi';
import { clientAddress } from '../client';
import { signIn, signInMethods } from '../sign-in';
import { AppError, Conflict, Forbidden, NotFound, Unauthenticated, Validation } from '../../domain/errors';
import { secretHash } from '../../domain/ids';
import { invitationState } from '../../domain/invitation';
import { hashPassword } from '../../domain/passwords';
import { assertPasswordAllowed } from '../../domain/password-policy';
import { commonPasswords } from '../../db/common-passwords';
import {
	invitationByHash,
	invitationByToken,
	invitationProblem,
	redeemInvitation,
	type InvitationRow
} from '../../db/invitations';
import { createAccountByInvitation } from '../../db/invitation-accept';
import { getProject } from '../../db/projects';
import { findUser, findUserByEmail, membershipsOf } from '../../db/users';
import { tx } from '../../db/client';
import { acceptInvitationSchema, invitationTokenSchema, type InvitationPreview } from '#shared/invitations';

const INVALID_LINK = 'This invitation link is not valid; check that you copied all of it, or ask for a new one';

export function invitationAcceptRoutes(deps: AppDeps) {
	const failures = deps.bus.counter('invitation-address', { windowMs: 15 * 60_000, max: 30 });
	const app = new Hono<AppEnv>();

	async function refuseIfBlocked(address: string): Promise<void> {
		if (await failures.blocked(address)) {
			throw new AppError('rate_limited', 'Too many attempts with invitation links; wait a few minutes and try again');
		}
	}

	/** The pending invitation a token names; counts a failure for the address and throws otherwise. */
	async function usableInvitation(address: string, tokenHash: string): Promise<InvitationRow> {
		await refuseIfBlocked(address);
		const row = await invitationByHash(deps.db, tokenHash);
		const problem = invitationProblem(row);
		if (row && !problem) return row;
		await failures.fail(address);
		throw row ? Conflict(problem!) : NotFound(INVALID_LINK);
	}

	app.get(
		'/invitations/:token',
		doc(
			'auth',
			'Preview an invitation link: project, role, inviter, expiry, its problem if it no longer works, and whether the invited email has an account',
			'anyone'
		),
		validate('param', invitationTokenSchema),
		async (c) => {
			const address = clientAddress(c);
			await refuseIfBlocked(address);
			const { db, config } = c.var.deps;
			const row = await invitationByToken(db, c.req.valid('param').token);
			if (!row) {
				await failures.fail(address);
				throw NotFound(INVALID_LINK);
			}
			const [project, inviter, account] = await Promise.all([
				getProject(db, row.projectId),
				row.invitedBy ? findUser(db, row.invitedBy) : undefined,
				findUserByEmail(db, row.email)
			]);
			const preview: InvitationPreview = {
				projectName: project?.name ?? '',
				role: row.role,
				email: row.email,
				invitedByName: inviter?.name ?? null,
				expiresAt: row.expiresAt,
				state: invitationState(row),
				problem: invitationProblem(row),
				accountExists: account !== undefined,
				methods: signInMethods(config.identity)
			};
			return c.json(preview);
		}
	);

	app.post(
		'/invitations/accept',
		doc(
			'auth',
			'Accept an invitation. {token, name, password}: creates the account for the invited email, adds the membership and signs in (201). {token} alone: while signed in as the invited account, adds the membership (200)',
			'anyone'
		),
		validate('json', acceptInvitationSchema),
		async (c) => {
			const { db, events, config } = c.var.deps;
			const body = c.req.valid('json');
			const tokenHash = secretHash(body.token);
			const invitation = await usableInvitation(clientAddress(c), tokenHash);
			const existing = await findUserByEmail(db, invitation.email);
			if (existing) {
				if (body.password !== undefined) {
					throw Conflict(`An account for ${invitation.email} already exists; sign in with it to accept the invitation`);
				}
				const caller = c.var.user;
				if (!caller) throw Unauthenticated(`Sign in as ${invitation.email} to accept this invitation`);
				if (caller.id !== existing.id) {
					throw Forbidden(
						`This invitation is for ${invitation.email}, and you are signed in as ${caller.email}; sign out and sign in as ${invitation.email}`
					);
				}
				const redeemed = await tx(db, (t) => redeemInvitation(t, tokenHash, caller));
				await events.emit('membership.changed', { projectId: redeemed.projectId, userId: caller.id });
				return c.json({ user: caller, memberships: await membershipsOf(db, caller.id), ...redeemed });
			}
			if (body.name === undefined || body.password === undefined) {
				throw Validation('No account exists for this email yet: give a name and a password to create it', [
					{ path: 'password', message: 'Required to create the account' }
				]);
			}
			if (!config.identity.passwordSignIn) {
				throw Forbidden('Password sign-in is turned off here; accept the invitation with single sign-on');
			}
			assertPasswordAllowed(body.password, { email: invitation.email, name: body.name }, commonPasswords(), 'password');
			const passwordHash = await hashPassword(body.password);
			const created = await createAccountByInvitation(db, {
				tokenHash,
				invitationId: invitation.id,
				email: invitation.email,
				name: body.name,
				passwordHash
			});
			await events.emit('membership.changed', { projectId: created.projectId, userId: created.user.id });
			const signedIn = await signIn(c, created.user, 'invitation');
			return c.json({ ...signedIn, projectId: created.projectId, role: created.role }, 201);
		}
	);

	return app;
}
