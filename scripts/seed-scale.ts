// npm run seed:scale -- --items N (default 100,000): fills DATA_DIR (or DATABASE_URL) with the demo workspace and
// the "Scale" project of N items (server/demo/scale-seed.ts), to try a deployment at size. Start from an empty
// DATA_DIR; afterwards `npm start` serves it.
import { parseArgs } from 'node:util';
import { loadConfig } from '../server/config';
import { createLogger } from '../server/logger';
import { startServer } from '../server/server';
import { seedScale } from '../server/demo/scale-seed';

const { values } = parseArgs({ options: { items: { type: 'string', default: '100000' } } });
const count = Number(values.items);
if (!Number.isInteger(count) || count < 10 || count > 2_000_000) {
	console.error('--items takes a whole number from 10 to 2,000,000');
	process.exit(2);
}
const config = { ...loadConfig(), port: 0, host: '127.0.0.1', demo: true };
const server = await startServer(config, createLogger('warn'));
try {
	let shown = -1;
	const result = await seedScale(server.deps, count, (done, total) => {
		const pct = Math.floor((done / total) * 100);
		if (pct !== shown && process.stdout.isTTY) process.stdout.write(`\r${pct}% of ${total} items`);
		shown = pct;
	});
	if (process.stdout.isTTY) process.stdout.write('\n');
	console.log(
		`Scale project: ${result.items} items, ${result.evaluations} submitted evaluations in ${(result.ms / 1000).toFixed(1)} s` +
			(config.databaseUrl ? '' : ` (SQLite in ${config.dataDir})`)
	);
} finally {
	await server.close();
}
