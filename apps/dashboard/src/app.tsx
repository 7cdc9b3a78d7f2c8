import { useState } from 'preact/hooks';
import { AdminApiError, AdminClient } from './admin-client.js';
import { Console } from './console.js';
import { SignIn } from './pages/sign-in.js';
import { clearToken, readToken, saveToken } from './token-store.js';

/** Signed out: the sign-in form. Signed in: the console, until sign-out or until the relay refuses the token. */
export function App() {
  const [client, setClient] = useState<AdminClient | undefined>(() => {
    const token = readToken();
    return token ? new AdminClient(token) : undefined;
  });
  const [signInError, setSignInError] = useState<string | undefined>();

  const signOut = (reason?: string) => {
    clearToken();
    setClient(undefined);
    setSignInError(reason);
  };

  if (!client) {
    return (
      <SignIn
        error={signInError}
        onSignIn={async (token) => {
          const candidate = new AdminClient(token);
          try {
            await candidate.stats();
          } catch (error) {
            setSignInError(signInMessage(error));
            return;
          }
          saveToken(token);
          setSignInError(undefined);
          setClient(candidate);
        }}
      />
    );
  }
  return <Console client={client} onSignOut={signOut} />;
}

/** Why signing in failed, in words. */
export function signInMessage(error: unknown): string {
  if (error instanceof AdminApiError && error.refusedToken) return `The relay refused this token: ${error.message}.`;
  if (error instanceof AdminApiError) return `Could not sign in: ${error.message}.`;
  return `Could not sign in: ${(error as Error).message}`;
}
