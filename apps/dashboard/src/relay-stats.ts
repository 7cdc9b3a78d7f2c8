/** One account as `GET /admin/stats` lists it (apps/relay `Account.toJSON`). */
export interface AccountStats {
  readonly id: string;
  readonly priority: number;
  readonly auth: 'oauth' | 'api-key';
  readonly proxy?: string;
  readonly inFlight: number;
  readonly maxConcurrency: number;
  /** 0 when not cooling down. */
  readonly coolingDownForMs: number;
  /** The reason it was disabled, or false. */
  readonly disabled: string | false;
  readonly requests: number;
  readonly failures: number;
}

/** A firing alert (@relay/metrics `Alert`). */
export interface AlertStats {
  readonly name: string;
  readonly direction: string;
  readonly limit: number;
  readonly value: number | null | undefined;
  readonly firedAt: number;
}

/** The parts of `GET /admin/stats` the console reads; the rest is shown as it comes. */
export interface RelayStats {
  readonly accounts: readonly AccountStats[];
  readonly alerts?: readonly AlertStats[];
  readonly clients?: { readonly configured: number };
  readonly sessions?: Record<string, unknown>;
  readonly pool?: Record<string, unknown>;
}

/** A session as `GET /admin/sessions` returns it (@relay/session-store `Session`). */
export interface SessionStats {
  readonly id: string;
  readonly userId?: string;
  readonly apiKeyId?: string;
  readonly accountId?: string;
  readonly createdAt: number;
  readonly lastActivityAt: number;
  readonly expiresAt: number;
  readonly requestCount: number;
  readonly errorCount: number;
  readonly lastError?: string;
  readonly tokens?: Record<string, number>;
}
