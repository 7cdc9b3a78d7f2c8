// sessionStorage: the token lives as long as the tab, is never sent by the browser on its own (as a cookie
// would be) and never appears in a URL; sign-out removes it.
const storageKey = 'relay.adminToken';

/** The admin token of this tab, if signed in. */
export function readToken(): string | undefined {
  return sessionStorage.getItem(storageKey) ?? undefined;
}

export function saveToken(token: string): void {
  sessionStorage.setItem(storageKey, token);
}

export function clearToken(): void {
  sessionStorage.removeItem(storageKey);
}
