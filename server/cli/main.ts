// The `concord` command line: dispatches to a subcommand and returns its exit code (0 success, 1 a computed result
// is undefined or failed, 2 usage error). bin/concord.js runs it under tsx.
import { runAgreement } from './agreement';

const COMMANDS: Record<string, { summary: string; run: (argv: string[]) => Promise<number> }> = {
	agreement: { summary: 'inter-rater agreement of a long-format ratings CSV (item,rater,value)', run: runAgreement }
};

function usage(): string {
	const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(12)} ${c.summary}`);
	return `usage: concord <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nRun "concord <command> --help" for a command's options.\n`;
}

export async function main(argv: string[]): Promise<number> {
	const [name, ...rest] = argv;
	if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
		(name === undefined ? process.stderr : process.stdout).write(usage());
		return name === undefined ? 2 : 0;
	}
	const command = COMMANDS[name];
	if (!command) {
		process.stderr.write(`concord: unknown command "${name}"\n\n${usage()}`);
		return 2;
	}
	return command.run(rest);
}
