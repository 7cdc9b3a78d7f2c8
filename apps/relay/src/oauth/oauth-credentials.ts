import { z } from 'zod';

/** An OAuth account's credentials, as Claude Code stores them (`expiresAt` in epoch ms). */
export interface OAuthCredentials {
  accessToken: string;
  refreshToken: string;
  expiresAt: number;
}

export const oauthCredentialsSchema = z
  .object({
    accessToken: z.string().min(1).max(4096),
    refreshToken: z.string().min(1).max(4096),
    expiresAt: z.number().int().nonnegative(),
  })
  .strict();

const claudeCredentialsFileSchema = z.object({
  claudeAiOauth: z.object({
    accessToken: z.string().min(1),
    refreshToken: z.string().min(1),
    expiresAt: z.number().int().nonnegative(),
  }),
});

/**
 * Reads Claude Code's `~/.claude/.credentials.json` text (`{"claudeAiOauth": {accessToken, refreshToken,
 * expiresAt, …}}`). The error names what is missing, never a value.
 */
export function parseClaudeCredentials(text: string): OAuthCredentials {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error('the credentials file is not JSON');
  }
  const result = claudeCredentialsFileSchema.safeParse(parsed);
  if (!result.success) {
    const field = result.error.issues[0]?.path.join('.') || 'claudeAiOauth';
    throw new Error(`the credentials file has no valid ${field}`);
  }
  const { accessToken, refreshToken, expiresAt } = result.data.claudeAiOauth;
  return { accessToken, refreshToken, expiresAt };
}
