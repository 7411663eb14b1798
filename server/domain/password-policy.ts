// The password policy, in one place for every way a password is set (own change, admin-created users):
// at least MIN_PASSWORD_LENGTH characters, not one of the most common passwords, and not the person's own email
// (or its local part) or name. Pure: the list of common passwords is passed in (server/db/common-passwords.ts).
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, type PasswordRule } from '#shared/account';
import { Validation } from './errors';

export interface PasswordOwner {
	email: string;
	name: string;
}

const fold = (s: string) => s.normalize('NFKC').toLowerCase().replace(/\s+/g, '');

/** The first rule the password breaks, or null when it is acceptable. */
export function passwordProblem(
	password: string,
	owner: PasswordOwner,
	common: ReadonlySet<string>
): PasswordRule | null {
	if ([...password].length < MIN_PASSWORD_LENGTH) return 'too_short';
	if (password.length > MAX_PASSWORD_LENGTH) return 'too_long';
	const folded = fold(password);
	if (common.has(folded)) return 'common';
	const email = fold(owner.email);
	const personal = [email, email.split('@')[0], fold(owner.name)].filter((s) => s.length > 0);
	if (personal.includes(folded)) return 'personal';
	return null;
}

const MESSAGES: Record<PasswordRule, string> = {
	too_short: `Use at least ${MIN_PASSWORD_LENGTH} characters`,
	too_long: `Use at most ${MAX_PASSWORD_LENGTH} characters`,
	common: 'This is one of the most common passwords; choose another',
	personal: 'Do not use your email or name as your password'
};

/** Throws a validation error (details: path, message, rule) when the password breaks the policy. */
export function assertPasswordAllowed(
	password: string,
	owner: PasswordOwner,
	common: ReadonlySet<string>,
	path = 'newPassword'
): void {
	const rule = passwordProblem(password, owner, common);
	if (rule) throw Validation(MESSAGES[rule], [{ path, message: MESSAGES[rule], rule }]);
}
