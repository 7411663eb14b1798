// One outgoing mail as the rules write it (invitation, password reset); server/mail.ts sends it.
export interface MailMessage {
	to: string;
	subject: string;
	/** The plain-text body: every mail has one, for clients that show no HTML. */
	text: string;
	html: string;
}
