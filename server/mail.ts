// Outgoing mail (invitations, password-reset links) through the SMTP server of SMTP_URL, from MAIL_FROM. Without
// SMTP_URL nothing is sent: `sendMail` answers false and the caller shows the link to copy instead. A failure is
// thrown to the caller, who decides what it costs (an invitation is kept and its link shown); the waits are bounded
// so a dead mail server delays a request by seconds, not minutes.
import nodemailer from 'nodemailer';
import type { Config } from './config';
import type { MailMessage } from './domain/mail-message';

const TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 };

/** Sends one message; false when no mail server is configured, throws when sending failed. */
export async function sendMail(mail: Config['mail'], message: MailMessage): Promise<boolean> {
	if (!mail.smtpUrl) return false;
	const transport = nodemailer.createTransport({ url: mail.smtpUrl, ...TIMEOUTS });
	try {
		await transport.sendMail({ from: mail.from, ...message });
		return true;
	} finally {
		transport.close();
	}
}
