import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OAuthTokenAuthority } from '@relay/mock-anthropic';
import { waitFor } from '@relay/test-support';
import { describeWithRedis, testRedisUrl, uniqueKeyPrefix } from '@relay/test-support/vitest';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { type CredentialVault, LocalCredentialVault, RedisCredentialVault } from './credential-vault.js';
import type { OAuthCredentials } from './oauth-credentials.js';
import { InvalidGrantError, requestTokenRefresh, TokenEndpointError } from './token-endpoint.js';
import { OAuthTokenRefresher } from './token-refresher.js';

const clientId = '9d1c250a-e61b-44d9-88ed-5944d1962f5e';

/** A real token endpoint on loopback, answering from the mock's authority (optionally slowly). */
async function startTokenEndpoint(
  authority: OAuthTokenAuthority,
  delayMs = 0,
): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    request.on('end', () => {
      setTimeout(() => {
        let parsed: unknown;
        try {
          parsed = JSON.parse(body);
        } catch {
          parsed = undefined;
        }
        const answer = authority.answer(parsed);
        response.writeHead(answer.status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(answer.body));
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/oauth/token`, server };
}

const until = (condition: () => boolean, timeoutMs = 10_000) => waitFor(condition, { timeoutMs });

function refresher(vault: CredentialVault, initial: OAuthCredentials, tokenUrl: string, accountId = 'oauth-a') {
  const events = { invalidGrant: [] as string[], errors: [] as unknown[], refreshed: 0 };
  const instance = new OAuthTokenRefresher({
    accountId,
    vault,
    initial,
    refresh: async (refreshToken) => requestTokenRefresh({ tokenUrl, clientId, refreshToken }),
    onInvalidGrant: (reason) => events.invalidGrant.push(reason),
    onError: (error) => events.errors.push(error),
    onRefreshed: () => {
      events.refreshed += 1;
    },
  });
  return { instance, events };
}

describe('requestTokenRefresh against a real endpoint', () => {
  const servers: Server[] = [];
  afterEach(() => {
    for (const server of servers.splice(0)) server.close();
  });

  it('returns the rotated pair, then refuses the used refresh token with InvalidGrantError', async () => {
    const authority = new OAuthTokenAuthority({ accessTokenLifetimeSeconds: 7200 });
    const endpoint = await startTokenEndpoint(authority);
    servers.push(endpoint.server);
    const login = authority.issue();
    const before = Date.now();
    const fresh = await requestTokenRefresh({ tokenUrl: endpoint.url, clientId, refreshToken: login.refreshToken });
    expect(authority.isValidAccessToken(fresh.accessToken)).toBe(true);
    expect(fresh.refreshToken).not.toBe(login.refreshToken);
    expect(fresh.expiresAt).toBeGreaterThanOrEqual(before + 7_200_000);
    const error = await requestTokenRefresh({
      tokenUrl: endpoint.url,
      clientId,
      refreshToken: login.refreshToken,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidGrantError);
    expect(String((error as Error).message)).not.toContain(login.refreshToken);
  });

  it('reports an unreachable endpoint as TokenEndpointError', async () => {
    const error = await requestTokenRefresh({
      tokenUrl: 'http://127.0.0.1:1/v1/oauth/token',
      clientId,
      refreshToken: 'sk-ant-ort01-x',
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TokenEndpointError);
  });
});

describeWithRedis('OAuthTokenRefresher across instances on a real Redis', () => {
  const servers: Server[] = [];
  const connections: Redis[] = [];
  const refreshers: OAuthTokenRefresher[] = [];
  afterEach(() => {
    for (const one of refreshers.splice(0)) one.close();
    for (const server of servers.splice(0)) server.close();
    for (const redis of connections.splice(0)) redis.disconnect();
  });
  const vault = (keyPrefix: string) => {
    const redis = new Redis(testRedisUrl() as string);
    connections.push(redis);
    return new RedisCredentialVault(redis, keyPrefix);
  };

  it('refreshes an expiring token exactly once across four instances, and all four use the new one', async () => {
    const authority = new OAuthTokenAuthority();
    // A slow endpoint widens the race: every instance wants to refresh while the first one waits.
    const endpoint = await startTokenEndpoint(authority, 150);
    servers.push(endpoint.server);
    const login = authority.issue(60); // inside the 5-minute margin: due now
    const keyPrefix = uniqueKeyPrefix('oauth');
    const instances = Array.from({ length: 4 }, () => refresher(vault(keyPrefix), login, endpoint.url));
    refreshers.push(...instances.map((one) => one.instance));
    await Promise.all(instances.map(async (one) => one.instance.start()));
    await until(() => instances.every((one) => one.instance.accessToken !== login.accessToken));
    expect(authority.refreshes).toBe(1);
    const tokens = new Set(instances.map((one) => one.instance.accessToken));
    expect(tokens.size).toBe(1);
    expect(authority.isValidAccessToken([...tokens][0] as string)).toBe(true);
    expect(instances.flatMap((one) => one.events.invalidGrant)).toEqual([]);
  });

  it('single-flights concurrent refreshes inside one instance and follows the rotation', async () => {
    const authority = new OAuthTokenAuthority();
    const endpoint = await startTokenEndpoint(authority, 50);
    servers.push(endpoint.server);
    const login = authority.issue();
    const one = refresher(vault(uniqueKeyPrefix('oauth')), login, endpoint.url);
    refreshers.push(one.instance);
    await one.instance.start();
    await Promise.all(Array.from({ length: 10 }, async () => one.instance.refresh()));
    expect(authority.refreshes).toBe(1);
    await one.instance.refresh();
    expect(authority.refreshes).toBe(2);
    expect(authority.isValidAccessToken(one.instance.accessToken)).toBe(true);
  });

  it('reports invalid_grant once, with its reason, and stops refreshing', async () => {
    const authority = new OAuthTokenAuthority();
    const endpoint = await startTokenEndpoint(authority);
    servers.push(endpoint.server);
    const login = authority.issue(60);
    authority.revokeRefreshToken(login.refreshToken);
    const one = refresher(vault(uniqueKeyPrefix('oauth')), login, endpoint.url);
    refreshers.push(one.instance);
    await one.instance.start();
    await until(() => one.events.invalidGrant.length === 1);
    expect(one.events.invalidGrant[0]).toMatch(/invalid_grant/);
    await one.instance.refresh();
    expect(one.events.invalidGrant).toHaveLength(1);
  });

  it('a 401 on the token in use refreshes; a 401 on a fresh token says the credential is bad', async () => {
    const authority = new OAuthTokenAuthority();
    const endpoint = await startTokenEndpoint(authority);
    servers.push(endpoint.server);
    const login = authority.issue();
    const one = refresher(vault(uniqueKeyPrefix('oauth')), login, endpoint.url);
    refreshers.push(one.instance);
    await one.instance.start();
    expect(await one.instance.onUnauthorized('sk-ant-oat01-an-older-token')).toBe(true);
    expect(await one.instance.onUnauthorized(login.accessToken)).toBe(true);
    expect(authority.refreshes).toBe(1);
    authority.revokeRefreshToken(one.instance.accessToken);
  });

  it('refuses a write whose fencing token is older than the stored one', async () => {
    const keyPrefix = uniqueKeyPrefix('oauth');
    const shared = vault(keyPrefix);
    const credentials = { accessToken: 'a1', refreshToken: 'r1', expiresAt: Date.now() + 3_600_000 };
    await shared.seed('acct', credentials);
    const first = await shared.lock('acct', 50);
    await new Promise((resolve) => setTimeout(resolve, 80));
    const second = await shared.lock('acct', 10_000);
    expect(first).toBeDefined();
    expect(second).toBeGreaterThan(first as number);
    expect(await shared.lock('acct', 10_000)).toBeUndefined();
    expect(await shared.write('acct', { ...credentials, accessToken: 'a2' }, second as number)).toBe(true);
    expect(await shared.write('acct', { ...credentials, accessToken: 'a-stale' }, first as number)).toBe(false);
    expect((await shared.read('acct'))?.accessToken).toBe('a2');
  });
});

describe('LocalCredentialVault (memory store)', () => {
  it('persists a refreshed pair before it is used', async () => {
    const authority = new OAuthTokenAuthority();
    const endpoint = await startTokenEndpoint(authority);
    try {
      const persisted: string[] = [];
      const login = authority.issue(60);
      const one = refresher(
        new LocalCredentialVault((_id, credentials) => persisted.push(credentials.refreshToken)),
        login,
        endpoint.url,
      );
      await one.instance.start();
      await until(() => one.events.refreshed === 1);
      one.instance.close();
      expect(persisted).toHaveLength(1);
      expect(persisted[0]).not.toBe(login.refreshToken);
    } finally {
      endpoint.server.close();
    }
  });
});
