// "Exactly one claimer", raced for real: two server processes on one database (the same DATA_DIR for SQLite, the
// same DATABASE_URL in the `pg` project; different ports) receive claims for the same escalations at the same
// moment, from two leads, several times each. Across processes the transactions really contend for the database
// (on PostgreSQL, read-committed transactions of two nodes). Per escalation exactly one claim gets 200, every other
// one 409, and one audit row is written.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, inArray } from 'drizzle-orm';
import { auditLog, escalations } from '../../drizzle/schema';
import { openDb, type DbConfig } from '../../server/db/client';
import { addSecondLead, openEscalations, seedWorld } from '../collab/world';
import { startChildServer, type ChildServer } from '../fixtures/child-server';
import { childDbEnv, testDbConfig } from '../fixtures/test-database';

const ESCALATIONS = 24;
/** Claims per escalation per lead per server: 2 leads × 2 servers × 2 = 8 claimers for each escalation. */
const REPEATS = 2;

const dataDir = mkdtempSync(join(tmpdir(), 'concord-claim-race-'));
let record: DbConfig;
let servers: ChildServer[] = [];
let ids: string[] = [];
let leads: { id: string; token: string }[] = [];

beforeAll(async () => {
	record = await testDbConfig(dataDir);
	const opened = await openDb(record);
	const { db } = opened;
	const world = await seedWorld(db);
	const lead2 = await addSecondLead(db, world, 'lead2@race.test');
	leads = [{ id: world.userId.lead, token: world.token.lead }, lead2];
	ids = await openEscalations(db, world, ESCALATIONS);
	await opened.close();
	const env = childDbEnv(record);
	servers = await Promise.all([startChildServer(dataDir, env), startChildServer(dataDir, env)]);
}, 60_000);

afterAll(async () => {
	await Promise.all(servers.map((s) => s.stop()));
	rmSync(dataDir, { recursive: true, force: true });
});

type Attempt = { id: string; server: ChildServer; lead: { id: string; token: string } };

async function claim(
	server: ChildServer,
	id: string,
	token: string
): Promise<{ status: number; claimedBy?: string; refusedIn?: string }> {
	const res = await fetch(`${server.url}/api/escalations/${id}/claim`, {
		method: 'POST',
		headers: { authorization: `Bearer ${token}` }
	});
	const body = (await res.json()) as {
		escalation?: { claimedBy: { id: string } | null };
		error?: { details?: { state?: string } };
	};
	return { status: res.status, claimedBy: body.escalation?.claimedBy?.id, refusedIn: body.error?.details?.state };
}

describe('claiming an escalation from two processes at once', () => {
	it('gives each escalation exactly one claimer, a 409 to everyone else, and one audit row', async () => {
		// One round per escalation: every claimer fires at once at two idle processes, so their transactions start
		// together; which server is called first alternates, so neither is favoured by the order of the requests.
		const results: (Attempt & Awaited<ReturnType<typeof claim>>)[] = [];
		for (const [i, id] of ids.entries()) {
			const order = i % 2 ? [...servers].reverse() : servers;
			const round = order.flatMap((server) =>
				leads.flatMap((lead) => Array.from({ length: REPEATS }, (): Attempt => ({ id, server, lead })))
			);
			results.push(
				...(await Promise.all(round.map(async (a) => ({ ...a, ...(await claim(a.server, a.id, a.lead.token)) }))))
			);
		}

		const opened = await openDb(record);
		try {
			const rows = await opened.db.select().from(escalations).where(inArray(escalations.id, ids));
			const claims = await opened.db
				.select({ entityId: auditLog.entityId, actorId: auditLog.actorId })
				.from(auditLog)
				.where(and(eq(auditLog.action, 'escalation.claim'), inArray(auditLog.entityId, ids)));
			for (const id of ids) {
				const mine = results.filter((r) => r.id === id);
				const winners = mine.filter((r) => r.status === 200);
				const statuses: Record<number, number> = {};
				for (const r of mine) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
				expect(statuses, `answers to the claims of escalation ${ids.indexOf(id)}`).toEqual({
					200: 1,
					409: mine.length - 1
				});
				const row = rows.find((r) => r.id === id)!;
				expect(row).toMatchObject({ state: 'in_review', claimedBy: winners[0].lead.id });
				expect(winners[0].claimedBy).toBe(winners[0].lead.id);
				// Each loser is told why: the escalation is already in review.
				const losers = mine.filter((r) => r.status === 409);
				expect(losers.map((r) => r.refusedIn)).toEqual(losers.map(() => 'in_review'));
				expect(claims.filter((c) => c.entityId === id)).toEqual([{ entityId: id, actorId: winners[0].lead.id }]);
			}
			// Both processes won some rounds: the claims raced between processes, not only inside one.
			for (const server of servers) expect(results.some((r) => r.status === 200 && r.server === server)).toBe(true);
		} finally {
			await opened.close();
		}
	}, 30_000);
});
