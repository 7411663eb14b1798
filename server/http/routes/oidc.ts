// Single sign-on with OpenID Connect (authorization code flow with PKCE S256, state and nonce), under
// /api/auth/oidc. `start` records the attempt (db/oidc-logins.ts) and sends the browser to the provider;
// `callback` takes the attempt back (single use), has openid-client exchange the code and verify the ID token,
// requires a verified email, finds or makes the account (db/oidc-accounts.ts) and signs in through the one
// signIn. Every refusal is audited (signInFailed) and ends on /login?error=<code> with one of our own codes
// (#shared/sign-in-errors): nothing the provider wrote reaches the page.
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../env';
import type { AppDeps } from '../../deps';
import { validate } from '../validate';
import { doc } from '../openapi';
import { clientAddress, publicOrigin } from '../client';
import { signIn, signInFailed } from '../sign-in';
import { authorizationRequest, providerConfiguration, verifiedClaims, type OidcSettings } from '../oidc-client';
import { createOidcLogin, takeOidcLogin } from '../../db/oidc-logins';
import { ssoAccount, type ProvenPerson } from '../../db/oidc-accounts';
import { invitationByToken, invitationProblem } from '../../db/invitations';
import { tx } from '../../db/client';
import { AppError, NotFound } from '../../domain/errors';
import { secretHash } from '../../domain/ids';
import { claimValues, parseRoleMap, safeReturnTo, SsoRefusal } from '../../domain/oidc';
import type { SsoError } from '#shared/sign-in-errors';

const startQuery = z.strictObject({
	returnTo: z
		.string()
		.max(2000)
		.refine((v) => safeReturnTo(v) !== null, 'Must be a path on this site, such as /projects')
		.optional(),
	invitation: z.string().min(1).max(200).optional()
});

// The provider writes this query, and adds what it likes (Keycloak: session_state, iss; others: scope): so these
// are checked and the rest is left to openid-client, which reads the whole answer.
const callbackQuery = z.looseObject({
	state: z.string().max(500).optional(),
	code: z.string().max(4000).optional(),
	error: z.string().max(500).optional()
});

/** A refused attempt: audited, then the sign-in page explains it. */
async function refuse(
	c: Context<AppEnv>,
	code: SsoError,
	attempt: { reason: string; tried: string; userId?: string }
): Promise<Response> {
	await signInFailed(c, { ...attempt, method: 'oidc' });
	return c.redirect(`/login?error=${code}`, 302);
}

function settings(c: Context<AppEnv>): OidcSettings {
	const oidc = c.var.deps.config.identity.oidc;
	if (!oidc) throw NotFound('Single sign-on is not configured here');
	return oidc;
}

/** Where the provider sends the person back: PUBLIC_URL when set, else this request's own origin. */
function redirectUri(c: Context<AppEnv>): string {
	return `${publicOrigin(c)}/api/auth/oidc/callback`;
}

export function oidcRoutes(deps: AppDeps) {
	// A malformed OIDC_ROLE_MAP stops the server at start, naming the entry, rather than at someone's sign-in.
	const roleMap = parseRoleMap(deps.config.identity.oidc?.roleMap ?? '');
	// Each start writes a row: one client address gets a generous number per window, enough for a team behind NAT.
	const starts = deps.bus.counter('oidc-start', { windowMs: 10 * 60_000, max: 300 });
	const app = new Hono<AppEnv>();

	app.get(
		'/start',
		doc('auth', 'Start single sign-on: redirects to the OpenID Connect provider', 'anyone', {
			status: 302,
			produces: { 'text/plain': 'A redirect to the provider' }
		}),
		validate('query', startQuery),
		async (c) => {
			const oidc = settings(c);
			const { returnTo, invitation } = c.req.valid('query');
			const address = clientAddress(c);
			if (await starts.blocked(address))
				throw new AppError('rate_limited', 'Too many sign-in attempts from this address; wait a few minutes');
			await starts.fail(address);
			const { db, logger } = c.var.deps;
			if (invitation !== undefined && invitationProblem(await invitationByToken(db, invitation)) !== null)
				return refuse(c, 'sso_invitation_invalid', { reason: 'invitation', tried: 'invitation link' });
			let request: Awaited<ReturnType<typeof authorizationRequest>>;
			try {
				request = await authorizationRequest(await providerConfiguration(oidc), redirectUri(c));
			} catch (err) {
				logger.warn({ err, issuer: oidc.issuer }, 'single sign-on: provider discovery failed');
				return refuse(c, 'sso_provider', { reason: 'discovery', tried: oidc.issuer });
			}
			await createOidcLogin(db, {
				state: request.state,
				nonce: request.nonce,
				codeVerifier: request.codeVerifier,
				invitationTokenHash: invitation === undefined ? null : secretHash(invitation),
				returnTo: returnTo === undefined ? null : safeReturnTo(returnTo)
			});
			return c.redirect(request.url.href, 302);
		}
	);

	app.get(
		'/callback',
		doc('auth', 'Where the provider returns: signs in and redirects to the app (or to /login?error=…)', 'anyone', {
			status: 302,
			produces: { 'text/plain': 'A redirect into the app' }
		}),
		validate('query', callbackQuery),
		async (c) => {
			const oidc = settings(c);
			const { db, logger } = c.var.deps;
			const { state, error } = c.req.valid('query');
			// Taken (deleted) first, whatever follows: an attempt is answered once.
			const attempt = state ? await takeOidcLogin(db, state) : undefined;
			if (!state || !attempt) return refuse(c, 'sso_expired', { reason: 'state', tried: oidc.issuer });
			if (error !== undefined) {
				const said = error.replace(/[^a-z_]/g, '').slice(0, 60);
				return refuse(c, 'sso_provider', { reason: `provider:${said}`, tried: oidc.issuer });
			}
			let claims: Record<string, unknown>;
			try {
				const configuration = await providerConfiguration(oidc);
				const answer = new URL(redirectUri(c));
				answer.search = new URL(c.req.url).search;
				claims = await verifiedClaims(configuration, answer, { state, ...attempt }, oidc.roleClaim);
			} catch (err) {
				logger.warn({ err, issuer: oidc.issuer }, 'single sign-on: the provider answer did not verify');
				return refuse(c, 'sso_provider', { reason: 'verification', tried: oidc.issuer });
			}
			const subject = String(claims.sub);
			const issuer = String(claims.iss);
			const email = typeof claims.email === 'string' ? claims.email.trim().toLowerCase() : '';
			const tried = email || `${issuer} ${subject}`;
			if (!email || claims.email_verified !== true)
				return refuse(c, 'sso_email_unverified', { reason: 'email_unverified', tried });
			const person: ProvenPerson = {
				issuer,
				subject,
				email,
				name: personName(claims, email),
				roleValues: oidc.roleClaim ? claimValues(claims[oidc.roleClaim]) : null
			};
			let account: Awaited<ReturnType<typeof ssoAccount>>;
			try {
				account = await tx(db, (t) =>
					ssoAccount(t, person, {
						allowedDomains: oidc.allowedDomains,
						roleMap,
						invitationTokenHash: attempt.invitationTokenHash
					})
				);
			} catch (err) {
				if (!(err instanceof SsoRefusal)) throw err;
				return refuse(c, err.reason, { reason: err.reason.replace(/^sso_/, ''), tried, userId: err.userId });
			}
			// The provider may have changed the account (its email, the admin role of the role map): every node
			// looks it up again. A sign-in is rare enough that asking which did not is not worth it.
			c.var.deps.callers.changed();
			for (const projectId of account.changedProjects)
				await c.var.deps.events.emit('membership.changed', { projectId, userId: account.user.id });
			await signIn(c, account.user, 'oidc');
			// Someone accepting an invitation lands in the project it let them into.
			const landing = attempt.returnTo ?? (account.invitedTo ? `/projects/${account.invitedTo}` : '/');
			return c.redirect(landing, 302);
		}
	);

	return app;
}

/** The name to show: the provider's `name`, else its preferred username, else the email's local part. */
function personName(claims: Record<string, unknown>, email: string): string {
	for (const claim of [claims.name, claims.preferred_username])
		if (typeof claim === 'string' && claim.trim()) return claim.trim().slice(0, 100);
	return email.slice(0, email.indexOf('@')).slice(0, 100) || email;
}
