// A judge's pacing shared by every node through Redis (see server/judges/pacing.ts for what pacing promises).
// Two keys per judge, changed only by the Lua scripts below, so each step is atomic across nodes and every time is
// Redis's own clock (TIME), never a node's:
//   <key>:slots  sorted set of the requests holding a slot, scored by when their lease ends. A node renews the
//                leases of its requests while they run; a node that dies stops renewing, and its slots lapse
//                (SLOT_LEASE_MS) and are swept by the next acquire. The key itself expires after the last lease.
//   <key>:next   when the next request of the judge may start; each acquire takes that turn and moves it on by
//                60 000 / rpm ms, and a 429 moves it to after its Retry-After.
// While the judge's slots are all taken a node retries every POLL_MS, and at once when one of its own requests ends.
// When Redis cannot be reached, acquiring waits and retries (the limits are never given up for it).
import type { Redis } from 'ioredis';
import { sleep, type PaceLimits, type Pacing } from '../judges/pacing';

/** How long a slot holds without renewal: a dead node's requests stop counting after it. */
export const SLOT_LEASE_MS = 15_000;
const RENEW_MS = 5_000;
const POLL_MS = 20;
const RETRY_MS = 1_000;

const NOW = `local t = redis.call('TIME') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;
/** Keeps the slots key while its latest lease runs (NX for a new key, GT never shortens it). */
const KEEP_SLOTS = `redis.call('PEXPIRE', KEYS[1], ttl, 'NX') redis.call('PEXPIRE', KEYS[1], ttl, 'GT')`;

/** KEYS: slots, next. ARGV: concurrency, interval ms, token, lease ms. Returns the wait before the turn, or -1: full. */
const ACQUIRE = `${NOW}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return -1 end
local start = math.max(now, tonumber(redis.call('GET', KEYS[2]) or '0'))
local interval = tonumber(ARGV[2])
local ttl = math.ceil(start - now + tonumber(ARGV[4]))
redis.call('ZADD', KEYS[1], now + ttl, ARGV[3])
${KEEP_SLOTS}
redis.call('SET', KEYS[2], tostring(start + interval), 'PX', math.ceil(start - now + interval) + 60000)
return math.ceil(start - now)`;

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
	concordPaceAcquire(slots: string, next: string, ...args: (string | number)[]): Promise<number>;
	concordPaceRenew(slots: string, ...args: (string | number)[]): Promise<number>;
	concordPaceHold(next: string, ms: number): Promise<number>;
}

const defined = new WeakSet<Redis>();
function commands(redis: Redis): PaceCommands {
	if (!defined.has(redis)) {
		redis.defineCommand('concordPaceAcquire', { numberOfKeys: 2, lua: ACQUIRE });
		redis.defineCommand('concordPaceRenew', { numberOfKeys: 1, lua: RENEW });
		redis.defineCommand('concordPaceHold', { numberOfKeys: 1, lua: HOLD });
		defined.add(redis);
	}
	return redis as unknown as PaceCommands;
}

/** Resolves when a request of this node ends, after `ms`, or when `signal` aborts. */
function nap(waiting: (() => void)[], ms: number, signal: AbortSignal): Promise<void> {
	return new Promise<void>((resolve) => {
		const done = () => {
			clearTimeout(timer);
			signal.removeEventListener('abort', done);
			const at = waiting.indexOf(done);
			if (at >= 0) waiting.splice(at, 1);
			resolve();
		};
		const timer = setTimeout(done, ms);
		waiting.push(done);
		signal.addEventListener('abort', done, { once: true });
	});
}

export function redisPacing(
	redis: Redis,
	nodeId: string,
	name: string,
	limits: PaceLimits,
	onError: (err: unknown) => void
): Pacing {
	const cmd = commands(redis);
	const slots = `concord:pace:${name}:slots`;
	const next = `concord:pace:${name}:next`;
	const interval = 60_000 / limits.requestsPerMinute;
	const held = new Set<string>();
	let seq = 0;
	let waiting: (() => void)[] = [];
	let renewal: NodeJS.Timeout | null = null;

	const renew = () => {
		if (held.size) cmd.concordPaceRenew(slots, SLOT_LEASE_MS, ...held).catch(onError);
	};
	const give = (token: string) => {
		if (!held.delete(token)) return;
		if (!held.size && renewal) {
			clearInterval(renewal);
			renewal = null;
		}
		redis.zrem(slots, token).catch(onError);
		const wake = waiting;
		waiting = [];
		for (const w of wake) w();
	};
	const take = async (token: string, signal: AbortSignal): Promise<number | 'aborted'> => {
		const asked = cmd.concordPaceAcquire(slots, next, limits.concurrency, interval, token, SLOT_LEASE_MS);
		const aborted = new Promise<'aborted'>((r) =>
			signal.aborted ? r('aborted') : signal.addEventListener('abort', () => r('aborted'), { once: true })
		);
		const answer = await Promise.race([asked, aborted]);
		// Left before Redis answered: a slot it granted meanwhile is given back.
		if (answer === 'aborted')
			asked.then((wait) => wait >= 0 && void redis.zrem(slots, token).catch(onError)).catch(() => {});
		return answer;
	};

	return {
		async acquire(signal) {
			const token = `${nodeId}:${++seq}`;
			for (;;) {
				if (signal.aborted) return null;
				let wait: number | 'aborted';
				try {
					wait = await take(token, signal);
				} catch (err) {
					onError(err);
					await sleep(RETRY_MS, signal);
					continue;
				}
				if (wait === 'aborted') return null;
				if (wait < 0) {
					await nap(waiting, POLL_MS, signal);
					continue;
				}
				held.add(token);
				renewal ??= setInterval(renew, RENEW_MS);
				renewal.unref();
				await sleep(wait, signal);
				if (signal.aborted) return (give(token), null);
				return () => give(token);
			}
		},
		holdFor(ms) {
			cmd.concordPaceHold(next, Math.ceil(ms)).catch(onError);
		}
	};
}
