// One outgoing mail as the rules write it (invitation, password reset); server/mail.ts sends it. Both mails are
// a link with a few lines around it, built here once: the same words in the plain-text part (every mail has one,
// for clients that show no HTML) and in the escaped HTML part, and an expiry written with its time zone.
export interface MailMessage {
	to: string;
	subject: string;
	/** The plain-text body. */
	text: string;
	html: string;
}

const escapeHtml = (s: string) =>
	s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);

/** "5 December 2026 at 14:03 UTC" in the reader's language: unambiguous wherever they are. */
export function utcDateTime(locale: string, at: number): string {
	const when = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }).format(at);
	return `${when} UTC`;
}

/** A mail that says `lead`, offers the link as `button`, then says each of `after`. */
export function linkMail(m: {
	to: string;
	subject: string;
	lead: string;
	button: string;
	url: string;
	after: string[];
}): MailMessage {
	const text = [m.lead, '', `${m.button}: ${m.url}`, '', ...m.after, ''].join('\n');
	const html = [
		`<p>${escapeHtml(m.lead)}</p>`,
		`<p><a href="${escapeHtml(m.url)}">${escapeHtml(m.button)}</a></p>`,
		`<p>${m.after.map(escapeHtml).join('<br>')}</p>`
	].join('\n');
	return { to: m.to, subject: m.subject, text, html };
}
