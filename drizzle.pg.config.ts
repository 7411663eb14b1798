// drizzle-kit for the PostgreSQL record (DATABASE_URL): drizzle/pg-migrations from drizzle/pg-schema.ts, the
// PostgreSQL twin of drizzle/schema.ts. server/db/client.ts runs them at start under an advisory lock.
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
	dialect: 'postgresql',
	schema: './drizzle/pg-schema.ts',
	out: './drizzle/pg-migrations'
});
