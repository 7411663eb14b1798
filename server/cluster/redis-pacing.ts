// A judge's pacing shared by every node through Redis (see server/judges/pacing.ts for what pacing promises).
// Two keys per judge, changed only by the Lua scripts below, so each step is atomic across nodes and every time is
// Redis's own clock (TIME), never a node's:
//   <key>:next   when the next request of the judge may start; each request takes that turn and moves it on by
//                60 000 / rpm ms (turns go in the order nodes ask), and a 429 moves it to after its Retry-After.
//   <key>:slots  sorted set of the requests in flight, scored by when their lease ends. A request takes a slot when
//                its turn has come; while the slots are all taken, nodes retry every POLL_MS or so (jittered, all
//                alike). A node renews the leases of its requests while they run; a node that dies stops
//                renewing, its slots lapse (SLOT_LEASE_MS) and the next request to ask sweeps them away. The key
//                expires after the last lease.
// When Redis cannot be reached, acquiring waits and retries (the limits are never given up for it).
import type { Redis } from 'ioredis';
import { sleep, type PaceLimits, type Pacing } from '../judges/pacing';

/** How long a slot holds without renewal (renewed every third of it): a dead node's requests stop counting after it. */
const SLOT_LEASE_MS = 15_000;
const POLL_MS = 20;
const RETRY_MS = 1_000;

const NOW = `local t = redis.call('TIME') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;
/** Keeps the slots key while its latest lease runs (NX for a new key, GT never shortens it). */
const KEEP_SLOTS = `redis.call('PEXPIRE', KEYS[1], ttl, 'NX') redis.call('PEXPIRE', KEYS[1], ttl, 'GT')`;

/** KEYS: next. ARGV: interval ms. Takes the next turn; returns how long until it comes. */
const TURN = `${NOW}
local start = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
local interval = tonumber(ARGV[1])
redis.call('SET', KEYS[1], tostring(start + interval), 'PX', math.ceil(start - now + interval) + 60000)
return math.ceil(start - now)`;

/** KEYS: slots. ARGV: concurrency, token, lease ms. Takes a slot if one is free (1), else 0. */
const SLOT = `${NOW}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
local ttl = tonumber(ARGV[3])
redis.call('ZADD', KEYS[1], now + ttl, ARGV[2])
${KEEP_SLOTS}
return 1`;

/** KEYS: slots. ARGV: lease ms, tokens… Extends the leases of the tokens still held. */
const RENEW = `${NOW}
local ttl = tonumber(ARGV[1])
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], 'XX', now + ttl, ARGV[i]) end
${KEEP_SLOTS}
return 0`;

/** KEYS: next. ARGV: ms. No request starts before now + ms. */
const HOLD = `${NOW}
local later = now + tonumber(ARGV[1])
if later > tonumber(redis.call('GET', KEYS[1]) or '0') then
  redis.call('SET', KEYS[1], tostring(later), 'PX', tonumber(ARGV[1]) + 60000)
end
return 0`;

interface PaceCommands {
	concordPaceTurn(next: string, intervalMs: number): Promise<number>;
	concordPaceSlot(slots: string, concurrency: number, token: string, leaseMs: number): Promise<number>;
	concordPaceRenew(slots: string, ...args: (string | number)[]): Promise<number>;
	concordPaceHold(next: string, ms: number): Promise<number>;
}

const defined = new WeakSet<Redis>();
function commands(redis: Redis): PaceCommands {
	if (!defined.has(redis)) {
		redis.defineCommand('concordPaceTurn', { numberOfKeys: 1, lua: TURN });
		redis.defineCommand('concordPaceSlot', { numberOfKeys: 1, lua: SLOT });
		redis.defineCommand('concordPaceRenew', { numberOfKeys: 1, lua: RENEW });
		redis.defineCommand('concordPaceHold', { numberOfKeys: 1, lua: HOLD });
		defined.add(redis);
	}
	return redis as unknown as PaceCommands;
}

export function redisPacing(
	redis: Redis,
	nodeId: string,
	name: string,
	limits: PaceLimits,
	onError: (err: unknown) => void,
	leaseMs = SLOT_LEASE_MS
): Pacing {
	const cmd = commands(redis);
	const slots = `concord:pace:${name}:slots`;
	const next = `concord:pace:${name}:next`;
	const interval = 60_000 / limits.requestsPerMinute;
	const held = new Set<string>();
	let seq = 0;
	let renewal: NodeJS.Timeout | null = null;

	const renew = () => {
		if (held.size) cmd.concordPaceRenew(slots, leaseMs, ...held).catch(onError);
	};
	const give = (token: string) => {
		if (!held.delete(token)) return;
		if (!held.size && renewal) {
			clearInterval(renewal);
			renewal = null;
		}
		redis.zrem(slots, token).catch(onError);
	};
	/** Redis's answer, or 'aborted' when `signal` aborts first (then `late` gets the answer when it comes). */
	const ask = async <T>(asked: Promise<T>, signal: AbortSignal, late: (answer: T) => void): Promise<T | 'aborted'> => {
		const aborted = new Promise<'aborted'>((r) =>
			signal.aborted ? r('aborted') : signal.addEventListener('abort', () => r('aborted'), { once: true })
		);
		const answer = await Promise.race([asked, aborted]);
		if (answer === 'aborted') asked.then(late).catch(() => {});
		return answer;
	};
	/** Runs `step` until it answers, waiting RETRY_MS after each failure to reach Redis; null when aborted. */
	const persist = async <T>(step: () => Promise<T | 'aborted'>, signal: AbortSignal): Promise<T | null> => {
		while (!signal.aborted) {
			try {
				const answer = await step();
				return answer === 'aborted' ? null : answer;
			} catch (err) {
				onError(err);
				await sleep(RETRY_MS, signal);
			}
		}
		return null;
	};

	return {
		// The turn first, then a slot: turns are handed out in the order nodes ask for them, so the nodes share the
		// judge's rate fairly; a slot is held only while the request runs.
		async acquire(signal) {
			const token = `${nodeId}:${++seq}`;
			const wait = await persist(() => ask(cmd.concordPaceTurn(next, interval), signal, () => {}), signal);
			if (wait === null) return null;
			await sleep(wait, signal);
			for (;;) {
				const granted = await persist(
					() =>
						ask(cmd.concordPaceSlot(slots, limits.concurrency, token, leaseMs), signal, (late) => {
							// Left before Redis answered: a slot it granted meanwhile is given back.
							if (late === 1) redis.zrem(slots, token).catch(onError);
						}),
					signal
				);
				if (granted === null) return null;
				if (granted === 1) break;
				// Every node polls alike (a node's own waiters are not woken first): no node starves the others.
				await sleep(POLL_MS * (0.5 + Math.random()), signal);
			}
			held.add(token);
			renewal ??= setInterval(renew, leaseMs / 3);
			renewal.unref();
			return () => give(token);
		},
		holdFor(ms) {
			cmd.concordPaceHold(next, Math.ceil(ms)).catch(onError);
		}
	};
}
