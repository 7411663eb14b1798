// Hocuspocus 4.7 with its SQLite extension, as the fan-out benchmark's second reference (bench/collab.ts starts it
// as a child process on loopback: `node --import tsx bench/hocuspocus-server.ts`, PORT and HOCUSPOCUS_DB in the
// environment). Its defaults are kept: updates that arrive in one event-loop turn are merged before they are sent
// (flushDelay 0), and the document is stored as one snapshot, debounced. Any token is accepted (no onAuthenticate
// hook). It prints "running at" once it listens. It starts only when run as a script, so bench/run.ts, which
// imports every bench module, does not start it (it exports no run(), so it is no benchmark of its own).
import { pathToFileURL } from 'node:url';
import { Server } from '@hocuspocus/server';
import { SQLite } from '@hocuspocus/extension-sqlite';

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
	const server = new Server({
		port: Number(process.env.PORT),
		address: '127.0.0.1',
		quiet: true,
		stopOnSignals: false,
		extensions: [new SQLite({ database: process.env.HOCUSPOCUS_DB ?? ':memory:' })]
	});
	await server.listen();
	console.log(`hocuspocus running at ${server.webSocketURL}`);
}
