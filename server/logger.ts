// Structured JSON logging (pino). One logger per process; modules take a child with their own bindings.
// On a terminal (a person running `npm start`) each entry is one readable line instead: time, level, message and
// its fields; LOG_FORMAT=json keeps JSON there too. Anything that is not a terminal (a service manager, a log
// collector, a test) gets JSON.
import pino from 'pino';

export type Logger = pino.Logger;

const LEVELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

/** One pino JSON line as a person reads it: `12:04:31 info  message key=value …`. */
export function readableLine(json: string): string {
	const { level, time, msg, app: _app, ...fields } = JSON.parse(json) as Record<string, unknown>;
	const at = new Date(Number(time)).toTimeString().slice(0, 8);
	const extra = Object.entries(fields)
		.map(([key, value]) => {
			const v = key === 'err' && value && typeof value === 'object' ? (value as { stack?: string }).stack : value;
			return `${key}=${typeof v === 'string' ? v : JSON.stringify(v)}`;
		})
		.join(' ');
	return `${at} ${(LEVELS[Number(level)] ?? String(level)).padEnd(5)} ${typeof msg === 'string' ? msg : JSON.stringify(msg ?? '')}${extra ? `  ${extra}` : ''}\n`;
}

export function createLogger(level: string): Logger {
	const options = { level, base: { app: 'concord' } };
	if (!process.stdout.isTTY || process.env.LOG_FORMAT === 'json') return pino(options);
	return pino(options, { write: (line: string) => process.stdout.write(readableLine(line)) });
}
