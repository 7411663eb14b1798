// createApp(deps): the whole HTTP surface. One sub-app per resource under /api, media under /media, and the
// built web app for everything else. Errors are mapped in one place (http/errors.ts).
import { Hono, type MiddlewareHandler } from 'hono';
import type { AppDeps } from './deps';
import type { AppEnv } from './http/env';
import { errorHandler, errorResponse } from './http/errors';
import { originGuard, resolveCaller } from './http/middleware/auth';
import { securityHeaders } from './http/middleware/security-headers';
import { bodyLimit } from './http/middleware/body-limit';
import { compress } from './http/middleware/compress';
import { staticApp } from './http/static-app';
import health from './http/routes/health';
import { authRoutes } from './http/routes/auth';
import { oidcRoutes } from './http/routes/oidc';
import me from './http/routes/me';
import tokens from './http/routes/tokens';
import projects from './http/routes/projects';
import { itemRoutes } from './http/routes/items';
import evaluations from './http/routes/evaluations';
import queue from './http/routes/queue';
import media from './http/routes/media';
import calibrations from './http/routes/calibrations';
import escalations from './http/routes/escalations';
import guidelines from './http/routes/guidelines';
import agreement from './http/routes/agreement';
import judgeAgreement from './http/routes/judge-agreement';
import exports from './http/routes/exports';
import webhooks from './http/routes/webhooks';
import judges from './http/routes/judges';
import { judgeImportRoutes } from './http/routes/judge-import';
import judgeSettings from './http/routes/judge-settings';
import itemJudges from './http/routes/item-judges';
import judgeRuns from './http/routes/judge-runs';
import { docRoutes } from './http/routes/docs';
import notifications from './http/routes/notifications';
import admin from './http/routes/admin';
import auditTrail from './http/routes/audit';
import invitations from './http/routes/invitations';
import { invitationAcceptRoutes } from './http/routes/invitation-accept';
import userLifecycle from './http/routes/user-lifecycle';

export type { AppDeps };

export function createApp(deps: AppDeps) {
	const app = new Hono<AppEnv>();
	app.onError(errorHandler(deps.logger));
	// Outermost, so it compresses the answer with every header the rest set (middleware/compress.ts).
	app.use('*', compress);
	app.use('*', securityHeaders);
	app.use('*', async (c, next) => {
		c.set('deps', deps);
		await next();
	});

	const api = new Hono<AppEnv>();
	api.use('*', resolveCaller, originGuard);
	const jsonBodyLimit = bodyLimit(deps.config.maxJsonBytes);
	// Large bodies are allowed only on the upload routes, which set their own limits (and read the stream).
	const limitBody: MiddlewareHandler<AppEnv> = (c, next) =>
		/\/(items\/import|judges\/import|media)$/.test(c.req.path) ? next() : jsonBodyLimit(c, next);
	api.use('*', limitBody);
	api.route('/', health);
	api.route('/auth', authRoutes(deps));
	api.route('/auth/oidc', oidcRoutes(deps));
	api.route('/', me);
	api.route('/', tokens);
	api.route('/projects', projects);
	api.route('/', itemRoutes(deps.config.maxImportBytes, deps.config.maxMediaBytes));
	api.route('/', evaluations);
	api.route('/', queue);
	api.route('/', calibrations);
	api.route('/', escalations);
	api.route('/', guidelines);
	api.route('/', agreement);
	api.route('/', judgeAgreement);
	api.route('/', exports);
	api.route('/', webhooks);
	api.route('/', judges);
	api.route('/', judgeImportRoutes(deps.config.maxImportBytes));
	api.route('/', judgeSettings);
	api.route('/', itemJudges);
	api.route('/', judgeRuns);
	// The document describes the whole app, read when first requested (after every route is mounted).
	api.route(
		'/',
		docRoutes(() => app)
	);
	api.route('/', notifications);
	api.route('/', admin);
	api.route('/', auditTrail);
	api.route('/', invitations);
	api.route('/', invitationAcceptRoutes(deps));
	api.route('/', userLifecycle);
	api.all('*', (c) => errorResponse(c, 'not_found', `No API route ${c.req.method} ${c.req.path}`));

	app.route('/api', api);
	const mediaApp = new Hono<AppEnv>();
	mediaApp.use('*', resolveCaller);
	mediaApp.route('/', media);
	app.route('/media', mediaApp);
	if (deps.config.appDir) app.route('/', staticApp(deps.config.appDir));
	return app;
}
