// Runs a tool (ffmpeg) on untrusted input within bounds: spawned without a shell from an argument array (nothing
// in a file name or argument is ever interpreted), no standard input, killed (SIGKILL, its whole process group) when
// it outlives `timeoutMs`, and at most `maxOutputBytes` of each of stdout and stderr kept (the rest is read and
// dropped, so a chatty process can neither fill memory nor block on a full pipe).
import { spawn } from 'node:child_process';

export interface ToolRun {
	code: number | null;
	stdout: string;
	stderr: string;
}

export type ToolFailure = 'missing' | 'timeout' | 'failed';

export class ToolError extends Error {
	constructor(
		readonly kind: ToolFailure,
		message: string,
		readonly stderr = ''
	) {
		super(message);
	}
}

export interface ToolLimits {
	timeoutMs: number;
	maxOutputBytes: number;
}

/** Resolves with the exit code and the kept output; rejects with a ToolError when it cannot start or times out. */
export function runTool(bin: string, args: string[], limits: ToolLimits): Promise<ToolRun> {
	return new Promise((resolve, reject) => {
		// detached: its own process group, so a kill on timeout also reaches anything it started.
		const child = spawn(bin, args, { shell: false, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
		const kept = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
		const size = { stdout: 0, stderr: 0 };
		const keep = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
			const room = limits.maxOutputBytes - size[stream];
			if (room <= 0) return;
			kept[stream].push(room < chunk.length ? chunk.subarray(0, room) : chunk);
			size[stream] += Math.min(room, chunk.length);
		};
		child.stdout.on('data', keep('stdout'));
		child.stderr.on('data', keep('stderr'));
		let timedOut = false;
		const timer = setTimeout(() => {
			timedOut = true;
			kill(child.pid);
		}, limits.timeoutMs);
		child.on('error', (err: NodeJS.ErrnoException) => {
			clearTimeout(timer);
			reject(
				err.code === 'ENOENT' || err.code === 'EACCES'
					? new ToolError('missing', `${bin} was not found`)
					: new ToolError('failed', `${bin} could not be started: ${err.message}`)
			);
		});
		child.on('close', (code) => {
			clearTimeout(timer);
			const stderr = Buffer.concat(kept.stderr).toString('utf8');
			if (timedOut)
				return reject(new ToolError('timeout', `took longer than ${Math.round(limits.timeoutMs / 1000)} s`, stderr));
			resolve({ code, stdout: Buffer.concat(kept.stdout).toString('utf8'), stderr });
		});
	});
}

function kill(pid: number | undefined) {
	if (pid === undefined) return;
	try {
		process.kill(-pid, 'SIGKILL');
	} catch {
		// the group is gone already; try the process itself
		try {
			process.kill(pid, 'SIGKILL');
		} catch {
			// exited meanwhile
		}
	}
}
