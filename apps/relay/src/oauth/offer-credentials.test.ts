import { describe, expect, it } from 'vitest';
import { LocalCredentialVault } from './credential-vault.js';
import { offerCredentials } from './offer-credentials.js';

const pair = (name: string, expiresAt: number) => ({
  accessToken: `oat-${name}`,
  refreshToken: `ort-${name}`,
  expiresAt,
});

describe('offerCredentials', () => {
  it.each([
    ['an empty vault takes the pair', undefined, pair('new', 2_000), true, 'oat-new'],
    ['a newer pair replaces the stored one', pair('old', 1_000), pair('new', 2_000), true, 'oat-new'],
    [
      'an older pair is left out (the stored one was refreshed since)',
      pair('refreshed', 3_000),
      pair('new', 2_000),
      false,
      'oat-refreshed',
    ],
    ['the same pair again changes nothing', pair('same', 2_000), pair('same', 2_000), false, 'oat-same'],
  ])('%s', async (_name, stored, offered, written, inUse) => {
    const persisted: string[] = [];
    const vault = new LocalCredentialVault((_accountId, credentials) => persisted.push(credentials.accessToken));
    if (stored) await vault.seed('a', stored);
    expect(await offerCredentials(vault, 'a', offered)).toBe(written);
    expect((await vault.read('a'))?.accessToken).toBe(inUse);
    expect(persisted).toEqual(written ? [offered.accessToken] : []);
  });

  it('leaves the vault alone while a refresh holds its lock, and never keeps the lock', async () => {
    const vault = new LocalCredentialVault();
    await vault.seed('a', pair('old', 1_000));
    const fence = (await vault.lock('a', 60_000)) as number;
    expect(await offerCredentials(vault, 'a', pair('new', 2_000))).toBe(false);
    await vault.unlock('a', fence);
    expect(await offerCredentials(vault, 'a', pair('new', 2_000))).toBe(true);
    expect(await vault.lock('a', 60_000)).toBeTypeOf('number');
  });
});
