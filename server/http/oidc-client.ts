// Concord as a client of the OpenID Connect provider, through openid-client (which verifies the ID token's
// signature against the provider's published keys, its issuer, audience, expiry and nonce, the state, and sends
// the PKCE verifier; nothing here checks a token by hand). The provider's metadata is discovered once per process and kept; a failed discovery is not kept,
// so the next sign-in tries again. The client authenticates with its secret the way the provider's metadata allows
// (client_secret_basic, the standard default, else client_secret_post). Plain http is accepted only for a provider
// on loopback (local development and the tests).
import * as client from 'openid-client';
import type { Config } from '../config';

export type OidcSettings = NonNullable<Config['identity']['oidc']>;

/** What Concord asks the provider for: who the person is and their email (and name). */
const SCOPE = 'openid email profile';

const configurations = new Map<string, Promise<client.Configuration>>();

const isLoopback = (host: string) => host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);

export function providerConfiguration(oidc: OidcSettings): Promise<client.Configuration> {
	const key = `${oidc.issuer} ${oidc.clientId}`;
	let found = configurations.get(key);
	if (!found) {
		found = discover(oidc);
		configurations.set(key, found);
		found.catch(() => configurations.delete(key));
	}
	return found;
}

async function discover(oidc: OidcSettings): Promise<client.Configuration> {
	const issuer = new URL(oidc.issuer);
	const insecure = issuer.protocol === 'http:' && isLoopback(issuer.hostname);
	const discovered = await client.discovery(issuer, oidc.clientId, oidc.clientSecret, undefined, {
		timeout: 10,
		...(insecure ? { execute: [client.allowInsecureRequests] } : {})
	});
	const metadata = discovered.serverMetadata();
	// Absent, the methods default to client_secret_basic (RFC 8414).
	const methods = metadata.token_endpoint_auth_methods_supported ?? ['client_secret_basic'];
	const auth = methods.includes('client_secret_basic')
		? client.ClientSecretBasic(oidc.clientSecret)
		: methods.includes('client_secret_post')
			? client.ClientSecretPost(oidc.clientSecret)
			: null;
	if (!auth)
		throw new Error(`The provider accepts neither client_secret_basic nor client_secret_post (${methods.join(', ')})`);
	const configuration = new client.Configuration(metadata, oidc.clientId, oidc.clientSecret, auth);
	if (insecure) client.allowInsecureRequests(configuration);
	// Without this the library trusts an ID token from the token endpoint on TLS alone (OIDC Core 3.1.3.7 allows
	// it) and does not check its signature: with it, the signature is verified against the provider's JWKS.
	client.enableNonRepudiationChecks(configuration);
	return configuration;
}

/** A new attempt's secrets and the provider's authorization URL to send the person to. */
export async function authorizationRequest(configuration: client.Configuration, redirectUri: string) {
	const state = client.randomState();
	const nonce = client.randomNonce();
	const codeVerifier = client.randomPKCECodeVerifier();
	const url = client.buildAuthorizationUrl(configuration, {
		redirect_uri: redirectUri,
		scope: SCOPE,
		state,
		nonce,
		code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
		code_challenge_method: 'S256'
	});
	return { state, nonce, codeVerifier, url };
}

/**
 * Exchanges the code of the provider's answer (`callbackUrl`: the redirect URI with the answer's query) and returns
 * the verified ID token's claims. When the ID token lacks the email (or the role claim), the provider's userinfo
 * answer (for the same subject, checked by the library) completes them; the ID token's own claims win.
 */
export async function verifiedClaims(
	configuration: client.Configuration,
	callbackUrl: URL,
	checks: { state: string; nonce: string; codeVerifier: string },
	roleClaim: string | null
): Promise<Record<string, unknown>> {
	const tokens = await client.authorizationCodeGrant(configuration, callbackUrl, {
		expectedState: checks.state,
		expectedNonce: checks.nonce,
		pkceCodeVerifier: checks.codeVerifier,
		idTokenExpected: true
	});
	const claims = tokens.claims();
	if (!claims) throw new Error('The provider sent no ID token');
	const incomplete = claims.email === undefined || (roleClaim !== null && claims[roleClaim] === undefined);
	if (!incomplete || !configuration.serverMetadata().userinfo_endpoint) return { ...claims };
	const userinfo = await client.fetchUserInfo(configuration, tokens.access_token, claims.sub);
	return { ...userinfo, ...claims };
}
