/** One standard API limit as the upstream last reported it (apps/relay `usage-windows.ts`). */
export interface StandardLimitStats {
  readonly limit: number;
  readonly remaining: number;
  /** Epoch ms. */
  readonly resetAt?: number;
}

/** One subscription window (`5h`, `7d`) as last reported. */
export interface UnifiedWindowStats {
  /** 0–1. */
  readonly utilization?: number;
  /** Epoch ms. */
  readonly resetAt?: number;
  readonly status?: 'allowed' | 'allowed_warning' | 'rejected';
}

/** The usage windows an account last reported. */
export interface UsageWindowsStats {
  /** Epoch ms of the answer they were read from. */
  readonly observedAt: number;
  readonly standard: Partial<Record<'requests' | 'tokens' | 'input-tokens' | 'output-tokens', StandardLimitStats>>;
  readonly unified?: {
    readonly status?: string;
    readonly resetAt?: number;
    readonly fiveHour?: UnifiedWindowStats;
    readonly sevenDay?: UnifiedWindowStats;
    readonly representativeClaim?: string;
  };
}

/** One account as `GET /admin/accounts` and `GET /admin/stats` list it (apps/relay `Account.toJSON`). */
export interface AccountStats {
  readonly id: string;
  readonly priority: number;
  readonly auth: 'oauth' | 'api-key';
  readonly proxy?: string;
  readonly inFlight: number;
  readonly maxConcurrency: number;
  /** Sessions bound to it (this relay process). */
  readonly boundSessions?: number;
  /** 0 when not cooling down. */
  readonly coolingDownForMs: number;
  /** Why it cools down (`rate-limited`, `backoff after failures`, `window five_hour used up`, …). */
  readonly coolingReason?: string;
  /** The reason it was disabled, or false. */
  readonly disabled: string | false;
  /** Its route's breaker is open in the connection pool. */
  readonly routeOpen?: boolean;
  /** The upstream warned about one of its windows. */
  readonly warning?: boolean;
  readonly windows?: UsageWindowsStats;
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
