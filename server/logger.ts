// Structured JSON logging (pino). One logger per process; modules take a child with their own bindings.
import pino from 'pino';

export type Logger = pino.Logger;

export function createLogger(level: string): Logger {
	return pino({ level, base: { app: 'concord' } });
}
