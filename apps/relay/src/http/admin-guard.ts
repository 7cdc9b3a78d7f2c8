import { createHash, timingSafeEqual } from 'node:crypto';
import { ApiError } from './api-error.js';
import type { AuthenticationBackoff } from './authentication-backoff.js';

/** Lets a request through to an admin route only with `Authorization: Bearer <admin token>`. */
export class AdminGuard {
  readonly #tokenDigest: Buffer | undefined;

  constructor(
    token: string | undefined,
    readonly backoff: AuthenticationBackoff,
  ) {
    this.#tokenDigest = token ? digest(token) : undefined;
  }

  /**
   * Throws 401 without a token, 403 with a wrong one (or when no admin token is configured), 429 when the
   * address failed too often; a wrong or missing token counts as a failure of `address`.
   */
  check(authorization: string | undefined, address: string | undefined): void {
    this.backoff.check(address);
    const presented = authorization && /^bearer /i.test(authorization) ? authorization.slice(7).trim() : undefined;
    if (!presented) {
      this.backoff.recordFailure(address);
      throw new ApiError(401, 'authentication_error', 'admin routes need Authorization: Bearer <admin token>');
    }
    if (!this.#tokenDigest) throw new ApiError(403, 'permission_error', 'the admin API is off: set admin.token');
    // Digests of equal length make the comparison constant-time whatever the presented token's length.
    if (!timingSafeEqual(digest(presented), this.#tokenDigest)) {
      this.backoff.recordFailure(address);
      throw new ApiError(403, 'permission_error', 'wrong admin token');
    }
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
