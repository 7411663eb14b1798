// The rules of single sign-on without I/O: where a sign-in may return to, and how OIDC_ROLE_MAP is read and applied.
import { describe, expect, it } from 'vitest';
import { mappedRoles, parseRoleMap, safeReturnTo } from '../../server/domain/oidc';

describe('safeReturnTo', () => {
	it('keeps a path of this site with its query and fragment', () => {
		expect(safeReturnTo('/projects/p1/queue?x=1#top')).toBe('/projects/p1/queue?x=1#top');
	});
	it.each(['//evil.test', '/\\evil.test', 'https://evil.test/', 'javascript:alert(1)', 'projects', '/a\nb', ''])(
		'refuses %j',
		(value) => expect(safeReturnTo(value)).toBeNull()
	);
});

describe('OIDC_ROLE_MAP', () => {
	it('reads admin and project entries, ignoring blanks and spaces', () => {
		expect(parseRoleMap(' admins=admin , raters=evaluator@p1,, qa=lead@p1 ')).toEqual([
			{ value: 'admins', admin: true },
			{ value: 'raters', projectId: 'p1', role: 'evaluator' },
			{ value: 'qa', projectId: 'p1', role: 'lead' }
		]);
	});
	it.each([
		['raters', /value=role/],
		['=lead@p1', /value=role/],
		['raters=lead', /name the project/],
		['raters=admin@p1', /not a project role/],
		['raters=owner@p1', /must be admin/],
		['raters=lead@p1@p2', /one @/]
	])('refuses %j, naming it', (text, why) => {
		expect(() => parseRoleMap(text)).toThrow(why);
		expect(() => parseRoleMap(text)).toThrow(text);
	});
	it('maps claim values to the highest role per named project, none when nothing maps', () => {
		const map = parseRoleMap('a=admin,r=evaluator@p1,m=manager@p1,l=lead@p2');
		expect(mappedRoles(map, ['m', 'r'])).toEqual({
			admin: false,
			projects: new Map([
				['p1', 'manager'],
				['p2', null]
			])
		});
		expect(mappedRoles(map, ['a', 'l']).admin).toBe(true);
		expect(mappedRoles(parseRoleMap('r=evaluator@p1'), []).admin).toBeNull();
	});
});
