// What an audit row may hold and where an entry leads: a key naming a secret is refused before anything is written,
// a webhook URL is recorded by its origin, and each kind of thing links to its page (or to none).
import { describe, expect, it } from 'vitest';
import { assertNoSecrets, redactedUrl } from '../../server/domain/audit-data';
import { auditLink } from '../../src/lib/shared/audit-link';

describe('audit data', () => {
	it('refuses keys that name a password, secret, hash or token, and lets ordinary keys through', () => {
		for (const key of [
			'password',
			'passwordHash',
			'tokenHash',
			'token',
			'sessionToken',
			'secret',
			'codeVerifier',
			'nonce'
		])
			expect(() => assertNoSecrets('x.y', { [key]: 'v' }), key).toThrow(/must not hold secrets/);
		expect(() =>
			assertNoSecrets('x.y', { tokenId: 't', method: 'password', expiresInDays: 7, scores: { secret_leak: 1 } })
		).not.toThrow();
		expect(() => assertNoSecrets('x.y', undefined)).not.toThrow();
	});

	it('records a URL by its origin: user info, path and query may be credentials', () => {
		expect(redactedUrl('https://u:p@hooks.example.com/services/T/B/X?key=1')).toBe('https://hooks.example.com/…');
		expect(redactedUrl('https://example.com')).toBe('https://example.com');
	});
});

describe('audit links', () => {
	const at = (
		entityType: string,
		entityId: string,
		detail: unknown = null,
		action = 'x.y',
		projectId: string | null = 'p'
	) => auditLink({ projectId, action, entityType, entityId, detail });
	it('leads to the page of the thing changed', () => {
		expect(at('calibration', 'c1')).toBe('/projects/p/calibrations/c1');
		expect(at('escalation', 'e1')).toBe('/projects/p/escalations/e1');
		expect(at('item', 'i1')).toBe('/projects/p/items/i1');
		expect(at('evaluation', 'ev', { itemId: 'i2' })).toBe('/projects/p/items/i2');
		expect(at('guideline', 'g1')).toBe('/projects/p/guidelines/g1');
		expect(at('guideline_version', 'v1', { guidelineId: 'g2' })).toBe('/projects/p/guidelines/g2');
		expect(at('project', 'p', null, 'items.import')).toBe('/projects/p/import');
		expect(at('project', 'p', null, 'export.download')).toBe('/projects/p/export');
		expect(at('user', 'u', null, 'membership.set')).toBe('/projects/p');
		expect(at('calibration', 'a/b')).toBe('/projects/p/calibrations/a%2Fb');
		expect(at('judge', 'j1')).toBe('/projects/p/judges/j1');
		expect(at('judge_run', 'r1', { judgeId: 'j2' }, 'judge.run.start')).toBe('/projects/p/judges/j2');
		expect(at('project', 'p', null, 'judge.settings')).toBe('/projects/p/judges/settings');
	});
	it('leads nowhere for what no page shows', () => {
		expect(at('user', 'u', null, 'auth.sign_in', null)).toBeNull();
		expect(at('evaluation', 'ev', {})).toBeNull();
		expect(at('token', 't', null, 'token.create', null)).toBe('/account');
	});
});
