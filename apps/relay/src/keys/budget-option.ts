/** A cost budget as the config and the admin API take it. */
export interface BudgetOption {
  usd: number;
  window: string;
}

const budgetPattern = /^\$?(\d+(?:\.\d+)?)(?:usd)?\/(day|week|month|total|[1-9]\d{0,3}h)$/i;

/**
 * Parses `--budget`: dollars and a window, `20usd/day`, `$0.50/5h`, `100usd/month` (windows: `<N>h`, `day`,
 * `week`, `month`, `total`). Throws with a message fit for the user.
 */
export function parseBudgetOption(text: string): BudgetOption {
  const match = budgetPattern.exec(text.trim());
  const usd = match ? Number(match[1]) : Number.NaN;
  if (!match || !(usd > 0) || usd > 10_000_000) {
    throw new Error(
      `--budget "${text}": expected <dollars>usd/<window>, e.g. 20usd/day (windows: <N>h, day, week, month, total)`,
    );
  }
  return { usd, window: (match[2] as string).toLowerCase() };
}
