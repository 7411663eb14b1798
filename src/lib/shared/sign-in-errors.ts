// Why a single sign-on attempt was refused: the code the server puts in `/login?error=<code>` and the sign-in page
// translates. Only these codes ever reach the page, never the provider's own error text.
export const SSO_ERRORS = [
	/** The attempt is unknown, was already used, or took longer than ten minutes: start again. */
	'sso_expired',
	/** The provider did not say the email address is verified. */
	'sso_email_unverified',
	/** No account yet, and the email's domain may not create one (and no invitation came with the sign-in). */
	'sso_domain_not_allowed',
	'sso_deactivated',
	/** The invitation being accepted is for another email address. */
	'sso_invitation_email',
	/** The invitation being accepted was used, withdrawn or has expired. */
	'sso_invitation_invalid',
	/** The provider refused, could not be reached, or answered something that did not verify. */
	'sso_provider'
] as const;
export type SsoError = (typeof SSO_ERRORS)[number];

export const isSsoError = (code: string | null): code is SsoError =>
	code !== null && (SSO_ERRORS as readonly string[]).includes(code);
