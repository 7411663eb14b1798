// Importing judge scores produced elsewhere: POST /api/projects/:pid/judges/import with a JSONL file or a Label
// Studio JSON export (told apart by content). The body streams to disk under the import size limit (413 before
// anything is parsed); bad lines come back as problems with their line numbers and change nothing.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import type { AppEnv } from '../env';
import { requireProject } from '../access';
import { validate } from '../validate';
import { doc } from '../openapi';
import { AppError } from '../../domain/errors';
import { spoolBody } from '../../import/spool';
import { importJudgeScores } from '../../import/judge-import';

const BODIES = {
	'application/x-ndjson':
		'JSONL, one line per judge and item: {externalId, judge, scores, rationale?, flags?, model?} (docs/judge-import.md)',
	'application/json':
		'A Label Studio JSON export whose tasks carry predictions; results map to rubric dimensions by from_name'
};

const importQuery = z.strictObject({
	/** Label Studio: the judge the predictions are from (else each prediction's model_version names it). */
	judge: z.string().trim().min(1).max(80).optional()
});

export function judgeImportRoutes(maxImportBytes: number) {
	const app = new Hono<AppEnv>();
	app.post(
		'/projects/:pid/judges/import',
		doc(
			'judges',
			'Import judge scores (JSONL or Label Studio predictions): idempotent; bad lines are listed and change nothing',
			'lead',
			{ consumes: BODIES }
		),
		bodyLimit({
			maxSize: maxImportBytes,
			onError: () => {
				throw new AppError(
					'payload_too_large',
					`The import is larger than ${Math.round(maxImportBytes / 1024 / 1024)} MiB`
				);
			}
		}),
		validate('query', importQuery),
		async (c) => {
			const pid = c.req.param('pid');
			const { user } = await requireProject(c, pid, 'judge.manage');
			const { deps } = c.var;
			const upload = await spoolBody(c.req.raw.body, deps.config.dataDir, deps.config.maxImportBytes);
			try {
				return c.json(await importJudgeScores(deps, pid, user.id, upload.path, c.req.valid('query')));
			} finally {
				upload.remove();
			}
		}
	);
	return app;
}
