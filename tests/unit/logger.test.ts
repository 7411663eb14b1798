// The terminal log format: one line per entry, readable by the person running `npm start`.
import { describe, expect, it } from 'vitest';
import { readableLine } from '../../server/logger';

describe('readableLine', () => {
	it('gives the time, the level and the message, then the fields, without the app name', () => {
		const at = new Date(2026, 11, 6, 9, 5, 7).getTime();
		const line = readableLine(
			JSON.stringify({ level: 30, time: at, app: 'concord', msg: 'Concord is running', url: 'http://x', port: 3000 })
		);
		expect(line).toBe('09:05:07 info  Concord is running  url=http://x port=3000\n');
	});

	it('shows an error with its stack, and a warning as such', () => {
		const line = readableLine(
			JSON.stringify({
				level: 50,
				time: 0,
				msg: 'could not store',
				err: { message: 'disk full', stack: 'Error: disk full\n    at x' }
			})
		);
		expect(line).toMatch(/ error could not store {2}err=Error: disk full\n {4}at x\n$/);
		expect(readableLine(JSON.stringify({ level: 40, time: 0, msg: 'slow' }))).toMatch(/ warn {2}slow\n$/);
	});
});
