import { describe, expect, it } from 'vitest';
import { OAuthTokenAuthority } from './oauth-token-authority.js';

const clientId = '9d1c250a-e61b-44d9-88ed-5944d1962f5e';

describe('OAuthTokenAuthority', () => {
  it('rotates: a refresh gives a new pair and kills the used refresh token', () => {
    const authority = new OAuthTokenAuthority();
    const login = authority.issue();
    const first = authority.answer({
      grant_type: 'refresh_token',
      refresh_token: login.refreshToken,
      client_id: clientId,
    });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    expect(authority.isValidAccessToken(first.body.access_token as string)).toBe(true);
    const again = authority.answer({
      grant_type: 'refresh_token',
      refresh_token: login.refreshToken,
      client_id: clientId,
    });
    expect(again).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: expect.any(String) } });
    expect(authority.refreshes).toBe(1);
  });

  it('expires access tokens', () => {
    let now = 1_000_000;
    const authority = new OAuthTokenAuthority({ accessTokenLifetimeSeconds: 60, now: () => now });
    const { accessToken } = authority.issue();
    expect(authority.isValidAccessToken(accessToken)).toBe(true);
    now += 60_000;
    expect(authority.isValidAccessToken(accessToken)).toBe(false);
    expect(authority.issuedAccessToken(accessToken)).toBe(true);
    expect(authority.isValidAccessToken('sk-ant-oat01-unknown')).toBe(false);
  });

  it.each([
    ['another grant type', { grant_type: 'password' }, 400, 'unsupported_grant_type'],
    [
      'another client id',
      { grant_type: 'refresh_token', refresh_token: 'x', client_id: 'someone' },
      401,
      'invalid_client',
    ],
    [
      'an unknown refresh token',
      { grant_type: 'refresh_token', refresh_token: 'x', client_id: clientId },
      400,
      'invalid_grant',
    ],
    ['no body', null, 400, 'unsupported_grant_type'],
  ])('refuses %s', (_name, body, status, error) => {
    const answer = new OAuthTokenAuthority().answer(body);
    expect(answer.status).toBe(status);
    expect(answer.body.error).toBe(error);
  });

  it('answers invalid_grant for a revoked refresh token', () => {
    const authority = new OAuthTokenAuthority();
    const login = authority.issue();
    authority.revokeRefreshToken(login.refreshToken);
    expect(
      authority.answer({ grant_type: 'refresh_token', refresh_token: login.refreshToken, client_id: clientId }).body
        .error,
    ).toBe('invalid_grant');
  });
});
