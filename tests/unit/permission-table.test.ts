// The README's permission table (section "Users and access") is the permission module's MATRIX: this test reads
// the table back (cells trimmed, as prettier pads them) and fails when either changes without the other, so the
// documented roles never drift from the code.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MATRIX, PROJECT_ROLES, type Action } from '../../server/domain/permissions';

/** Every action some role has, alphabetically: the table's rows. */
function actions(): Action[] {
	const seen = new Set<Action>();
	for (const role of PROJECT_ROLES) for (const a of MATRIX[role]) seen.add(a);
	return [...seen].sort();
}

const cells = (line: string) =>
	line
		.trim()
		.replace(/^\||\|$/g, '')
		.split('|')
		.map((c) => c.trim());

/** The first table after the "### Users and access" heading, as rows of trimmed cells (no separator row). */
function readmeTable(): string[][] {
	const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
	const section = readme.slice(readme.indexOf('### Users and access'));
	const lines = section.split('\n');
	const start = lines.findIndex((l) => l.startsWith('|'));
	const table = lines.slice(start, start + lines.slice(start).findIndex((l) => !l.startsWith('|')));
	return table.filter((l) => !/^\|[\s:|-]+\|$/.test(l)).map(cells);
}

describe('README permission table', () => {
	it('lists exactly what MATRIX allows each project role', () => {
		const expected = [
			['action', ...PROJECT_ROLES],
			...actions().map((a) => [`\`${a}\``, ...PROJECT_ROLES.map((r) => (MATRIX[r].has(a) ? '✓' : ''))])
		];
		expect(readmeTable()).toEqual(expected);
	});
});
