// Invitation links that stop working: an expired link (invitationTtlMs shortened through the config) is refused,
// explained and listed as expired; failed attempts with unknown or unusable links are limited per address.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config';
import { startTestServer, type TestServer } from '../fixtures/server';

const tokenOf = (url: string) => url.split('/invite/')[1];

describe('expiry and throttling', () => {
	let short: TestServer;
	beforeAll(async () => {
		const defaults = loadConfig({}).identity;
		short = await startTestServer({ identity: { ...defaults, invitationTtlMs: 300 } });
	});
	afterAll(() => short.close());

	it('stops an expired link working and lists it as expired', async () => {
		const lead = await short.login('lead@demo.test');
		const pidHere = (await short.api('/api/me', { headers: lead })).body.memberships[0].projectId;
		const { invitation } = (
			await short.api(`/api/projects/${pidHere}/invitations`, {
				body: { email: 'old@example.com', role: 'evaluator' },
				headers: lead
			})
		).body;
		await new Promise((r) => setTimeout(r, 400));
		const token = tokenOf(invitation.url);
		const preview = (await short.api(`/api/invitations/${token}`)).body;
		expect(preview).toMatchObject({ state: 'expired', problem: expect.stringContaining('expired') });
		const res = await short.api('/api/invitations/accept', {
			body: { token, name: 'Old', password: 'too late for this one' }
		});
		expect(res.status).toBe(409);
		const pending = await short.api(`/api/projects/${pidHere}/invitations`, { headers: lead });
		expect(pending.body.invitations).toEqual([]);
		const expired = await short.api(`/api/projects/${pidHere}/invitations?state=expired`, { headers: lead });
		expect(expired.body.invitations.map((i: { id: string }) => i.id)).toEqual([invitation.id]);
		expect((await short.api(`/api/invitations/${invitation.id}`, { method: 'DELETE', headers: lead })).status).toBe(
			409
		);
	});

	// Last on this server: it uses up the address's allowance.
	it('limits attempts with unknown links per address', async () => {
		const statuses: number[] = [];
		for (let i = 0; i < 32; i++) {
			statuses.push(
				(
					await short.api('/api/invitations/accept', {
						body: { token: `guess-${i}`, name: 'X', password: 'guessing all day long' }
					})
				).status
			);
		}
		// The expired link's refused accept above counted too: 30 failures in all, then every attempt waits.
		const refusedFrom = statuses.indexOf(429);
		expect(refusedFrom).toBe(29);
		expect(statuses.slice(0, refusedFrom).every((s) => s === 404)).toBe(true);
		expect(statuses.slice(refusedFrom).every((s) => s === 429)).toBe(true);
	});
});
