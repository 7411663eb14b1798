// What `npm start` runs (bundled by scripts/start.js): builds the web app when its sources changed since the last
// build (scripts/app-build.ts), then starts the server in this same process, so a start with nothing to build costs
// one Node start-up, not two.
import { buildAppIfChanged } from './app-build';

try {
	buildAppIfChanged(process.cwd(), (line) => console.log(line));
} catch (err) {
	console.error((err as Error).message);
	process.exit(1);
}
await import('../server/main');
