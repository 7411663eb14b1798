// Outbound webhook requests that cannot be pointed at the server's own network. A webhook URL is chosen by a
// project lead, so unless CONCORD_WEBHOOKS_ALLOW_PRIVATE=1 it may not reach loopback, private, link-local
// (cloud metadata), carrier-grade NAT, multicast or unspecified addresses. Checked twice: when the webhook is
// created (IP literals and localhost names, for a clear 400) and at every delivery, on the address the socket
// actually connects to (the DNS answer is checked inside the connection's own lookup, so a name that later
// resolves to a private address, or a rebinding DNS server, gains nothing).
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';

const blocked = new BlockList();
for (const [net, prefix] of [
	['0.0.0.0', 8],
	['10.0.0.0', 8],
	['100.64.0.0', 10],
	['127.0.0.0', 8],
	['169.254.0.0', 16],
	['172.16.0.0', 12],
	['192.0.0.0', 24],
	['192.168.0.0', 16],
	['198.18.0.0', 15],
	['224.0.0.0', 4],
	['240.0.0.0', 4]
] as const) {
	blocked.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
	['::', 128],
	['::1', 128],
	['fc00::', 7],
	['fe80::', 10],
	['ff00::', 8]
] as const) {
	blocked.addSubnet(net, prefix, 'ipv6');
}

/** True when the address is one a webhook may not reach (IPv4-mapped IPv6 is judged as IPv4). */
export function isPrivateAddress(address: string): boolean {
	const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
	if (mapped) return blocked.check(mapped[1], 'ipv4');
	const family = isIP(address);
	if (family === 0) return false;
	return blocked.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

const hostOf = (url: URL) =>
	url.hostname
		.replace(/^\[|\]$/g, '')
		.replace(/\.$/, '')
		.toLowerCase();

/** Why a host given as an IP address may not be reached (null for public addresses and for names). */
function privateLiteral(host: string): string | null {
	return isPrivateAddress(host) ? `${host} is a private or local address` : null;
}

/** Why this URL may not be used as a webhook, judged without DNS (null when it may). */
export function privateTargetReason(raw: string): string | null {
	const host = hostOf(new URL(raw));
	if (host === 'localhost' || host.endsWith('.localhost')) return 'localhost is not reachable for webhooks';
	return privateLiteral(host);
}

class BlockedAddressError extends Error {
	readonly code = 'EBLOCKED';
}

/** dns.lookup that refuses private answers; handles both single and `all` lookups (Node's happy eyeballs). */
const guardedLookup: LookupFunction = (hostname, options, callback) => {
	dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
		if (err) return callback(err, '', 0);
		const bad = addresses.find((a) => isPrivateAddress(a.address));
		if (bad)
			return callback(new BlockedAddressError(`${hostname} resolves to a private address (${bad.address})`), '', 0);
		if (options.all) (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
		else callback(null, addresses[0].address, addresses[0].family);
	});
};

export interface PostResult {
	status: number;
}

/**
 * POSTs `body` and resolves with the response status (the response body is discarded; redirects are not
 * followed). Rejects on network errors, on timeout, and when the target is private and that is not allowed.
 */
export function postOnce(
	rawUrl: string,
	headers: Record<string, string>,
	body: string,
	opts: { timeoutMs: number; allowPrivate: boolean }
): Promise<PostResult> {
	return new Promise((resolve, reject) => {
		const url = new URL(rawUrl);
		// An IP literal skips DNS, so the guarded lookup below never sees it: check it here.
		const literal = opts.allowPrivate ? null : privateLiteral(hostOf(url));
		if (literal) {
			reject(new BlockedAddressError(literal));
			return;
		}
		const options: RequestOptions = {
			method: 'POST',
			headers: { ...headers, 'content-length': Buffer.byteLength(body) },
			...(opts.allowPrivate ? {} : { lookup: guardedLookup })
		};
		const fail = (err: Error) => {
			clearTimeout(timer);
			reject(err);
		};
		const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, options, (res) => {
			res.resume();
			res.on('end', () => {
				clearTimeout(timer);
				resolve({ status: res.statusCode ?? 0 });
			});
			res.on('error', fail);
		});
		// One deadline for the whole exchange, a slow trickle of response bytes included.
		const timer = setTimeout(
			() => req.destroy(new Error(`no complete answer within ${opts.timeoutMs} ms`)),
			opts.timeoutMs
		);
		req.on('error', fail);
		req.end(body);
	});
}
