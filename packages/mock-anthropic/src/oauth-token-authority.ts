import { randomBytes } from 'node:crypto';

/** A token pair as the token endpoint answers it. */
export interface IssuedTokens {
  access_token: string;
  refresh_token: string;
  /** Seconds. */
  expires_in: number;
  token_type: 'Bearer';
  scope: string;
}

export interface OAuthTokenAuthorityOptions {
  /** Lifetime of an issued access token, seconds. Default 3600. */
  accessTokenLifetimeSeconds?: number;
  /** The client id refresh requests must carry. Default Claude Code's. */
  clientId?: string;
  /** Clock (epoch ms), for tests that move time. */
  now?: () => number;
}

/** What the token endpoint answers: a status and a JSON body. */
export interface TokenEndpointAnswer {
  status: number;
  body: Record<string, unknown>;
}

const claudeCodeClientId = '9d1c250a-e61b-44d9-88ed-5944d1962f5e';

/**
 * The OAuth side of the mock: issues access tokens that expire and refresh tokens that rotate (a used refresh
 * token is dead, as on the real endpoint), and answers `invalid_grant` for a dead or unknown one. The mock's
 * API routes ask it whether a bearer token is valid.
 */
export class OAuthTokenAuthority {
  readonly #lifetimeMs: number;
  readonly #clientId: string;
  readonly #now: () => number;
  readonly #accessTokens = new Map<string, number>();
  readonly #refreshTokens = new Set<string>();
  #refreshes = 0;

  constructor(options: OAuthTokenAuthorityOptions = {}) {
    this.#lifetimeMs = (options.accessTokenLifetimeSeconds ?? 3600) * 1000;
    this.#clientId = options.clientId ?? claudeCodeClientId;
    this.#now = options.now ?? Date.now;
  }

  /** Issues a fresh pair (as a login would); `lifetimeSeconds` overrides the access token's lifetime. */
  issue(lifetimeSeconds?: number): { accessToken: string; refreshToken: string; expiresAt: number } {
    const accessToken = `sk-ant-oat01-mock-${randomBytes(12).toString('hex')}`;
    const refreshToken = `sk-ant-ort01-mock-${randomBytes(12).toString('hex')}`;
    const expiresAt = this.#now() + (lifetimeSeconds === undefined ? this.#lifetimeMs : lifetimeSeconds * 1000);
    this.#accessTokens.set(accessToken, expiresAt);
    this.#refreshTokens.add(refreshToken);
    return { accessToken, refreshToken, expiresAt };
  }

  /** True for an access token this authority issued that has not expired. */
  isValidAccessToken(token: string): boolean {
    const expiresAt = this.#accessTokens.get(token);
    return expiresAt !== undefined && this.#now() < expiresAt;
  }

  /** True when this authority issued the token (valid or expired): other bearer tokens are not its business. */
  issuedAccessToken(token: string): boolean {
    return this.#accessTokens.has(token);
  }

  /** Kills a refresh token (as a logout elsewhere would): the next refresh with it gets `invalid_grant`. */
  revokeRefreshToken(token: string): void {
    this.#refreshTokens.delete(token);
  }

  /** Successful refreshes so far. */
  get refreshes(): number {
    return this.#refreshes;
  }

  /** Answers `POST /v1/oauth/token` for a parsed JSON body. */
  answer(body: unknown): TokenEndpointAnswer {
    const request = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    if (request.grant_type !== 'refresh_token') {
      return oauthError(400, 'unsupported_grant_type', 'only refresh_token is supported');
    }
    if (request.client_id !== this.#clientId) return oauthError(401, 'invalid_client', 'unknown client_id');
    const refreshToken = request.refresh_token;
    if (typeof refreshToken !== 'string' || !this.#refreshTokens.has(refreshToken)) {
      return oauthError(400, 'invalid_grant', 'refresh token not found or already used');
    }
    // Rotation: the used refresh token is dead from now on.
    this.#refreshTokens.delete(refreshToken);
    const issued = this.issue();
    this.#refreshes += 1;
    const tokens: IssuedTokens = {
      access_token: issued.accessToken,
      refresh_token: issued.refreshToken,
      expires_in: Math.round((issued.expiresAt - this.#now()) / 1000),
      token_type: 'Bearer',
      scope: 'user:inference user:profile',
    };
    return { status: 200, body: { ...tokens } };
  }
}

function oauthError(status: number, error: string, description: string): TokenEndpointAnswer {
  return { status, body: { error, error_description: description } };
}
