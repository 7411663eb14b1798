// Which Concord account a person proven by the provider signs in as, decided in one transaction (call inside
// `tx`): the account already linked to their (issuer, subject); else the account with their verified email, which
// gets the identity linked (never a second account for one email); else a new account, only when the email's
// domain is allowed or an invitation is accepted through this sign-in. A deactivated account is refused before
// anything is written. An invitation is redeemed by the one rule (db/invitations.ts) in the same transaction, so a
// refused invitation creates no account. Role mapping (domain/oidc.ts) is applied last. Every change is audited.
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from './client';
import { first } from './client';
import { memberships, projects, userIdentities, users } from '../../drizzle/schema';
import { audit } from './audit';
import { createUser, findUserByEmail, userRowById, type UserRow } from './users';
import { redeemInvitation } from './invitations';
import { removeMembership, setMembership, wouldLoseLastLead } from './projects';
import { AppError } from '../domain/errors';
import { newId } from '../domain/ids';
import { domainAllowed, mappedRoles, SsoRefusal, type RoleMapEntry } from '../domain/oidc';

/** A person as the provider proved them: the ID token's issuer and subject, a verified email. */
export interface ProvenPerson {
	issuer: string;
	subject: string;
	/** Lower-cased; the provider said it is verified. */
	email: string;
	name: string;
	/** The role claim's values, or null when no role claim is configured (roles are then left alone). */
	roleValues: string[] | null;
}

export interface SsoAccountRules {
	allowedDomains: readonly string[];
	roleMap: readonly RoleMapEntry[];
	/** The hash of the invitation token accepted through this sign-in, if any. */
	invitationTokenHash: string | null;
}

export interface SsoAccount {
	user: UserRow;
	/** Projects whose membership of this person changed (announced once committed: open rooms re-check access). */
	changedProjects: string[];
	/** The project an invitation accepted through this sign-in let them into (where they land), else null. */
	invitedTo: string | null;
}

export async function ssoAccount(t: Db, person: ProvenPerson, rules: SsoAccountRules): Promise<SsoAccount> {
	let user = await linkedUser(t, person);
	if (!user) {
		const byEmail = await findUserByEmail(t, person.email);
		user = byEmail ? await link(t, byEmail, person) : await create(t, person, rules);
	}
	// Refused after the lookups: whatever they wrote rolls back with the refusal.
	refuseDeactivated(user);
	const changed = new Set<string>();
	if (person.roleValues !== null)
		for (const p of await applyRoleMap(t, user, mappedRoles(rules.roleMap, person.roleValues))) changed.add(p);
	const invitedTo = rules.invitationTokenHash ? await redeem(t, rules.invitationTokenHash, user, person.email) : null;
	if (invitedTo) changed.add(invitedTo);
	const fresh = await userRowById(t, user.id);
	return { user: fresh ?? user, changedProjects: [...changed], invitedTo };
}

function refuseDeactivated(user: UserRow): void {
	if (user.deactivatedAt !== null)
		throw new SsoRefusal('sso_deactivated', 'This account has been deactivated', user.id);
}

/** The account linked to this identity; records the sign-in and the email the provider now gives. */
async function linkedUser(t: Db, person: ProvenPerson): Promise<UserRow | undefined> {
	const found = await first(
		t
			.select({ user: users, identityId: userIdentities.id })
			.from(userIdentities)
			.innerJoin(users, eq(users.id, userIdentities.userId))
			.where(and(eq(userIdentities.issuer, person.issuer), eq(userIdentities.subject, person.subject)))
			.limit(1)
	);
	if (!found) return undefined;
	await t
		.update(userIdentities)
		.set({ email: person.email, lastSignInAt: Date.now() })
		.where(eq(userIdentities.id, found.identityId));
	return found.user;
}

async function link(t: Db, user: UserRow, person: ProvenPerson, created = false): Promise<UserRow> {
	const now = Date.now();
	await t.insert(userIdentities).values({
		id: newId(),
		userId: user.id,
		issuer: person.issuer,
		subject: person.subject,
		email: person.email,
		createdAt: now,
		lastSignInAt: now
	});
	if (!created)
		await audit(t, {
			actorId: user.id,
			projectId: null,
			action: 'user.identity_link',
			entityType: 'user',
			entityId: user.id,
			data: { issuer: person.issuer, subject: person.subject, email: person.email }
		});
	return user;
}

async function create(t: Db, person: ProvenPerson, rules: SsoAccountRules): Promise<UserRow> {
	if (!rules.invitationTokenHash && !domainAllowed(person.email, rules.allowedDomains))
		throw new SsoRefusal('sso_domain_not_allowed', `No account for ${person.email}, and its domain may not create one`);
	// No password: password sign-in fails for this account as for a wrong password (routes/auth.ts).
	const row = await createUser(
		t,
		{ email: person.email, name: person.name, passwordHash: '' },
		{ createdBy: null, detail: { via: 'oidc', issuer: person.issuer, subject: person.subject } }
	);
	// The email was looked up in this transaction and had no account.
	if (!row) throw new Error(`an account for ${person.email} appeared during its own sign-in`);
	return link(t, row, person, true);
}

/** Redeems the invitation by the one rule; its refusals become sign-in refusals (the transaction rolls back). */
async function redeem(t: Db, tokenHash: string, user: UserRow, email: string): Promise<string> {
	try {
		return (await redeemInvitation(t, tokenHash, { id: user.id, email })).projectId;
	} catch (err) {
		if (!(err instanceof AppError)) throw err;
		const reason = err.code === 'forbidden' ? 'sso_invitation_email' : 'sso_invitation_invalid';
		throw new SsoRefusal(reason, err.message, user.id);
	}
}

/** Makes the admin flag and the roles in the map's projects what the map says (projects that do not exist are skipped). */
async function applyRoleMap(t: Db, user: UserRow, target: ReturnType<typeof mappedRoles>): Promise<string[]> {
	if (target.admin !== null && target.admin !== user.isAdmin) {
		await t.update(users).set({ isAdmin: target.admin }).where(eq(users.id, user.id));
		await audit(t, {
			actorId: null,
			projectId: null,
			action: 'user.admin_set',
			entityType: 'user',
			entityId: user.id,
			data: { isAdmin: target.admin, via: 'oidc_role_map' }
		});
	}
	const ids = [...target.projects.keys()];
	if (ids.length === 0) return [];
	const existing = new Set(
		(await t.select({ id: projects.id }).from(projects).where(inArray(projects.id, ids))).map((p) => p.id)
	);
	const current = new Map(
		(
			await t
				.select({ projectId: memberships.projectId, role: memberships.role })
				.from(memberships)
				.where(and(eq(memberships.userId, user.id), inArray(memberships.projectId, ids)))
		).map((m) => [m.projectId, m.role])
	);
	const changed: string[] = [];
	for (const [projectId, role] of target.projects) {
		const held = current.get(projectId) ?? null;
		if (!existing.has(projectId) || held === role) continue;
		// The one lead rule of projects.ts holds here too: the project's last lead stays lead whatever the map says,
		// so a project never loses the one person who can run it (and the sign-in goes on).
		if (held === 'lead' && (await wouldLoseLastLead(t, projectId, user.id, role))) continue;
		changed.push(projectId);
		if (role) await setMembership(t, projectId, user.id, role, null);
		else await removeMembership(t, projectId, user.id, null, { via: 'oidc_role_map' });
	}
	return changed;
}
