/** The body of `POST /admin/keys` (issue 14). */
export interface CreateKeyBody {
  id: string;
  userId?: string;
  models?: string[];
  /** ISO 8601 with offset. */
  expiresAt?: string;
  limits?: {
    requestsPerMinute?: number;
    tokensPerMinute?: number;
    concurrency?: number;
    budgets?: Array<{ usd: number; window: string }>;
  };
}

/** What the create form holds: text as typed. */
export interface KeyFormFields {
  readonly id: string;
  readonly userId: string;
  /** Patterns separated by commas or spaces (`claude-sonnet-*, claude-haiku-*`). */
  readonly models: string;
  /** An `<input type="datetime-local">` value in the browser's time zone, or empty. */
  readonly expiresAt: string;
  readonly requestsPerMinute: string;
  readonly tokensPerMinute: string;
  readonly concurrency: string;
  readonly budgets: ReadonlyArray<{ readonly usd: string; readonly window: string }>;
}

/** The budget windows the form offers (the relay takes any rolling `<N>h` up to 2160 h). */
export const budgetWindows = [
  { id: 'day', title: 'per day (UTC)' },
  { id: 'week', title: 'per week (from Monday)' },
  { id: 'month', title: 'per month' },
  { id: '5h', title: 'per rolling 5 hours' },
  { id: 'total', title: 'in total' },
] as const;

export const emptyKeyForm: KeyFormFields = {
  id: '',
  userId: '',
  models: '',
  expiresAt: '',
  requestsPerMinute: '',
  tokensPerMinute: '',
  concurrency: '',
  budgets: [],
};

/** Form field → what is wrong with it (`budgets.0.usd` for a budget's amount). */
export type KeyFormErrors = Record<string, string>;

// The relay's own rules (apps/relay config-schema.ts `clientSchema`, `modelPatternSchema`, `budgetSchema`); it
// checks them again and its answer is shown when it refuses.
const idPattern = /^[A-Za-z0-9._@-]{1,64}$/;
const modelPattern = /^[A-Za-z0-9.*:@_-]{1,128}$/;
const windowPattern = /^(day|week|month|total|[1-9][0-9]{0,3}h)$/;

/** The request the form describes, or what is wrong with it (each field named). */
export function createKeyBody(
  fields: KeyFormFields,
  now: number,
): { body: CreateKeyBody; errors?: undefined } | { body?: undefined; errors: KeyFormErrors } {
  const errors: KeyFormErrors = {};
  const id = fields.id.trim();
  if (!idPattern.test(id)) errors.id = 'Use 1 to 64 letters, digits, ".", "_", "@" or "-".';
  const body: CreateKeyBody = { id };

  const userId = fields.userId.trim();
  if (userId) body.userId = userId;

  const models = fields.models.split(/[\s,]+/).filter(Boolean);
  const badModel = models.find((model) => !modelPattern.test(model));
  if (badModel !== undefined) errors.models = `"${badModel}" is not a model pattern (letters, digits, ".:@_-" and *).`;
  else if (models.length > 64) errors.models = 'At most 64 patterns.';
  else if (models.length > 0) body.models = models;

  if (fields.expiresAt.trim()) {
    const expires = new Date(fields.expiresAt).getTime();
    if (!Number.isFinite(expires)) errors.expiresAt = 'Not a date and time.';
    else if (expires <= now) errors.expiresAt = 'Must be in the future.';
    else body.expiresAt = new Date(expires).toISOString();
  }

  const limits: NonNullable<CreateKeyBody['limits']> = {};
  for (const name of ['requestsPerMinute', 'tokensPerMinute', 'concurrency'] as const) {
    const text = fields[name].trim();
    if (!text) continue;
    const value = Number(text);
    if (!Number.isSafeInteger(value) || value < 1) errors[name] = 'A whole number from 1.';
    else limits[name] = value;
  }
  const budgets: Array<{ usd: number; window: string }> = [];
  if (fields.budgets.length > 8) errors.budgets = 'At most 8 budgets.';
  for (const [index, budget] of fields.budgets.entries()) {
    const usd = Number(budget.usd.trim());
    if (!budget.usd.trim() || !Number.isFinite(usd) || usd <= 0 || usd > 10_000_000) {
      errors[`budgets.${index}.usd`] = 'Dollars above 0, at most 10,000,000.';
    }
    if (!windowPattern.test(budget.window)) errors[`budgets.${index}.window`] = 'Choose a window.';
    budgets.push({ usd, window: budget.window });
  }
  if (budgets.length > 0) limits.budgets = budgets;
  if (Object.keys(limits).length > 0) body.limits = limits;

  return Object.keys(errors).length > 0 ? { errors } : { body };
}
