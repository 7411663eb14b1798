// Admin: user accounts (the directory, create). Project membership is managed under /api/projects/:pid/members;
// an account's standing and reset links in user-lifecycle.ts.
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../env';
import { requireAdmin } from '../access';
import { validate } from '../validate';
import { doc } from '../openapi';
import { Conflict } from '../../domain/errors';
import { createUser, findUserByEmail, toUser } from '../../db/users';
import { userDirectory } from '../../db/user-admin';
import { userDirectoryQuerySchema } from '#shared/user-admin';
import { hashPassword } from '../../domain/passwords';
import { assertPasswordAllowed } from '../../domain/password-policy';
import { commonPasswords } from '../../db/common-passwords';
import { tx } from '../../db/client';

const app = new Hono<AppEnv>();

app.get(
	'/admin/users',
	doc('admin', 'User accounts by email with status, last sign-in, SSO and projects; filtered, paged', 'admin'),
	validate('query', userDirectoryQuerySchema),
	async (c) => {
		requireAdmin(c);
		const { q, status, cursor, limit } = c.req.valid('query');
		return c.json(await userDirectory(c.var.deps.db, { q: q || undefined, status }, { cursor, limit }));
	}
);

app.post(
	'/admin/users',
	doc('admin', 'Create a user account', 'admin', { status: 201 }),
	validate(
		'json',
		z.strictObject({
			email: z.string().trim().toLowerCase().email().max(320),
			name: z.string().trim().min(1).max(100),
			// Checked by the password policy below (length, common passwords, not the email or name).
			password: z.string().max(1000),
			isAdmin: z.boolean().default(false)
		})
	),
	async (c) => {
		const admin = requireAdmin(c);
		const input = c.req.valid('json');
		assertPasswordAllowed(input.password, input, commonPasswords(), 'password');
		const passwordHash = await hashPassword(input.password);
		const { db } = c.var.deps;
		if (await findUserByEmail(db, input.email)) throw Conflict('A user with this email already exists');
		const row = await tx(db, (t) => createUser(t, { ...input, passwordHash }, { createdBy: admin.id }));
		if (!row) throw Conflict('A user with this email already exists');
		return c.json({ user: toUser(row) }, 201);
	}
);

export default app;
