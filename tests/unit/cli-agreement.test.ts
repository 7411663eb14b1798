// The real `concord agreement` command (node bin/concord.js) on temporary CSV files: JSON and text output, exit
// codes, and errors that name the offending line.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { KRIPPENDORFF_2011 } from '../fixtures/agreement/worked-examples';
import { csvRow } from '../../server/domain/csv';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'concord-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function csv(name: string, content: string): string {
	const path = join(dir, name);
	writeFileSync(path, content);
	return path;
}

function concord(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
	return new Promise((resolve) => {
		execFile(process.execPath, ['bin/concord.js', ...args], { cwd: root }, (err, stdout, stderr) => {
			resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
		});
	});
}

const worked =
	[
		'item,rater,value',
		...KRIPPENDORFF_2011.filter((r) => r.value !== null).map((r) => `${r.item},${r.rater},${r.value}`)
	].join('\n') + '\n';

describe('concord agreement', () => {
	it('prints one JSON object with the coefficient and its counts', async () => {
		const file = csv('worked.csv', worked);
		const { code, stdout, stderr } = await concord(
			'agreement',
			file,
			'--metric',
			'alpha',
			'--level',
			'interval',
			'--json'
		);
		expect(stderr).toBe('');
		expect(code).toBe(0);
		const out = JSON.parse(stdout);
		expect(out).toMatchObject({
			ok: true,
			metric: 'alpha',
			level: 'interval',
			items: 12,
			raters: 4,
			ratings: 41,
			itemsUsed: 11
		});
		expect(out.value).toBeCloseTo(0.849, 3);
	});

	it('reads quoted labels, CRLF line ends, a BOM, extra columns in any order and empty (missing) values', async () => {
		const file = csv(
			'labels.csv',
			'\uFEFFrater,note,value,item\r\nana,"a, b",safe,q1\r\nben,,safe,q1\r\nana,,"unsafe, mild",q2\r\nben,,"unsafe, mild",q2\r\nana,,safe,q3\r\nben,,"unsafe, mild",q3\r\nchen,,,q3\r\n'
		);
		const { code, stdout } = await concord('agreement', file, '--metric', 'cohen', '--json');
		expect(code).toBe(0);
		const out = JSON.parse(stdout);
		expect(out).toMatchObject({ metric: 'cohen', weights: 'none', items: 3, raters: 2, ratings: 6 });
		// p_o = 2/3; both raters: safe 2/3 vs 1/3 → p_e = (2·1 + 1·2)/9 = 4/9; κ = (2/3 − 4/9)/(5/9) = 0.4.
		expect(out.value).toBeCloseTo(0.4, 12);
	});

	it('prints a readable summary by default', async () => {
		const { code, stdout } = await concord('agreement', csv('text.csv', worked), '--metric', 'fleiss');
		expect(code).toBe(0);
		expect(stdout).toMatch(/^Fleiss' kappa \(nominal\) = 0\.\d{4}\ninterpretation: \w+/);
		expect(stdout).toContain('items 12, raters 4, ratings 41, items used 11');
	});

	it('reads what our CSV writer writes: quoted line breaks, commas and doubled quotes, numbered by starting line', async () => {
		const rows = [
			['item', 'rater', 'note', 'value'],
			['q1', 'ana', 'first line\r\nsecond, with "quotes"', 'safe'],
			['q1', 'ben', '', 'safe'],
			['q2', 'ana', 'one\ntwo\nthree', 'unsafe,\n"mild"'],
			['q2', 'ben', '', 'unsafe,\n"mild"']
		];
		const file = csv('written.csv', rows.map((r) => csvRow(r)).join(''));
		const { code, stdout, stderr } = await concord('agreement', file, '--metric', 'percent', '--json');
		expect(stderr).toBe('');
		expect(code).toBe(0);
		expect(JSON.parse(stdout)).toMatchObject({ ok: true, value: 1, items: 2, raters: 2, ratings: 4 });
		const bad = csv('written-bad.csv', rows.map((r) => csvRow(r)).join('') + csvRow(['q3', '', 'x\ny', '1']));
		expect((await concord('agreement', bad)).stderr).toContain('line 11: the rater is empty');
	});

	it('a malformed line: exit 2 and the line number on stderr', async () => {
		const file = csv('bad.csv', 'item,rater,value\n1,a,3\n1,b,4\n2,a\n2,b,1\n');
		const { code, stdout, stderr } = await concord('agreement', file, '--json');
		expect(code).toBe(2);
		expect(stdout).toBe('');
		expect(stderr).toContain('line 4: expected 3 fields, found 2');
	});

	it('an unterminated quote and a header without the needed columns are reported with their line', async () => {
		const quote = await concord('agreement', csv('quote.csv', 'item,rater,value\n1,a,"open\n'));
		expect(quote.code).toBe(2);
		expect(quote.stderr).toContain('line 2: a quoted field is never closed');
		const header = await concord('agreement', csv('header.csv', 'id,who,score\n1,a,3\n'));
		expect(header.code).toBe(2);
		expect(header.stderr).toContain('line 1: the header must name the columns item, rater and value');
	});

	it('usage errors exit 2', async () => {
		const file = csv('usage.csv', worked);
		const cases = [
			['agreement', file, '--metric', 'median'],
			['agreement', file, '--bogus'],
			['agreement'],
			['agreement', join(dir, 'missing.csv')],
			['frobnicate']
		];
		const runs = await Promise.all(cases.map((args) => concord(...args)));
		runs.forEach(({ code, stderr }, i) => {
			expect(code, cases[i].join(' ')).toBe(2);
			expect(stderr.length).toBeGreaterThan(0);
		});
	});

	it('an undefined coefficient exits 1 with the reason', async () => {
		const { code, stdout } = await concord('agreement', csv('cohen4.csv', worked), '--metric', 'cohen', '--json');
		expect(code).toBe(1);
		expect(JSON.parse(stdout)).toMatchObject({ ok: false, value: null, code: 'not-two-raters' });
	});
});
