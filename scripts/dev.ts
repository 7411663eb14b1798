// `npm run dev`: the API server (restarting on change) on API_PORT and the Vite dev server with hot reload on
// PORT, proxying /api, /media and /collab to the API server.
import { spawn } from 'node:child_process';

const port = process.env.PORT ?? '3000';
const apiPort = process.env.API_PORT ?? '3001';
const env = { ...process.env, API_PORT: apiPort };

const children = [
	spawn('npx', ['tsx', 'watch', '--clear-screen=false', 'server/main.ts'], {
		stdio: 'inherit',
		env: { ...env, PORT: apiPort, HOST: '127.0.0.1' }
	}),
	spawn('npx', ['vite', 'dev', '--port', port, '--strictPort'], { stdio: 'inherit', env })
];
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
	process.on(signal, () => {
		for (const c of children) c.kill(signal);
		process.exit(0);
	});
}
for (const c of children)
	c.on('exit', (code) => {
		if (code) process.exit(code);
	});
