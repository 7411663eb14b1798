// drizzle-kit for the SQLite record (the embedded default): `npm run db:generate` writes drizzle/migrations from
// drizzle/schema.ts, and drizzle.pg.config.ts the PostgreSQL migrations from drizzle/pg-schema.ts.
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
	dialect: 'sqlite',
	schema: './drizzle/schema.ts',
	out: './drizzle/migrations'
});
