import { describe, expect, it } from 'vitest';
import { matchRoute, pathOf } from './route-match.js';

describe('matchRoute', () => {
  it('matches the exact routes, and HEAD wherever GET is routed', () => {
    expect(matchRoute('POST', '/v1/messages')?.name).toBe('messages');
    expect(matchRoute('POST', '/v1/messages/count_tokens')?.name).toBe('count-tokens');
    expect(matchRoute('GET', '/v1/models')?.name).toBe('models');
    expect(matchRoute('HEAD', '/')?.name).toBe('root');
    expect(matchRoute('HEAD', '/healthz')?.name).toBe('healthz');
    expect(matchRoute('GET', '/admin/stats')?.name).toBe('admin-stats');
  });

  it('decodes the one path parameter of a model or an account', () => {
    expect(matchRoute('GET', '/v1/models/claude%2Dsonnet-4-5')).toEqual({
      name: 'model',
      parameter: 'claude-sonnet-4-5',
    });
    expect(matchRoute('POST', '/admin/accounts/team-a/enable')).toEqual({
      name: 'admin-account-enable',
      parameter: 'team-a',
    });
  });

  it.each([
    ['GET', '/admin/keys', 'admin-keys', undefined],
    ['HEAD', '/admin/keys', 'admin-keys', undefined],
    ['POST', '/admin/keys', 'admin-key-create', undefined],
    ['GET', '/admin/keys/ci%40team', 'admin-key', 'ci@team'],
    ['PATCH', '/admin/keys/ci', 'admin-key-update', 'ci'],
    ['DELETE', '/admin/keys/ci', 'admin-key-revoke', 'ci'],
  ])('routes %s %s to %s', (method, path, name, parameter) => {
    expect(matchRoute(method, path)).toEqual({ name, parameter });
  });

  it('matches nothing for another method, or a path that is only similar', () => {
    for (const [method, path] of [
      ['GET', '/v1/messages'],
      ['POST', '/v1/models'],
      ['GET', '/v1/../admin/stats'],
      ['GET', '/v1/%2e%2e/admin/stats'],
      ['GET', '//admin/stats'],
      ['GET', '/admin//stats'],
      ['GET', '/ADMIN/stats'],
      ['GET', '/healthz/'],
      ['GET', '/v1/models/'],
      ['GET', '/v1/models/a/b'],
      ['GET', '/v1/models/%2e%2e'],
      ['GET', '/v1/models/a%2Fb'],
      ['GET', '/v1/models/%E0%A4%A'],
      ['POST', '/admin/accounts//enable'],
      ['POST', '/admin/accounts/a/b/enable'],
      ['DELETE', '/v1/messages'],
      ['PUT', '/admin/keys/ci'],
      ['POST', '/admin/keys/ci'],
      ['DELETE', '/admin/keys'],
      ['PATCH', '/admin/keys/'],
      ['DELETE', '/admin/keys/a/b'],
      ['GET', '/admin/keys/%2e%2e'],
    ] as const) {
      expect(matchRoute(method, path), `${method} ${path}`).toBeUndefined();
    }
  });
});

describe('pathOf', () => {
  it('cuts the query off', () => {
    expect(pathOf('/v1/messages?beta=true')).toBe('/v1/messages');
    expect(pathOf('/v1/models')).toBe('/v1/models');
  });
});
