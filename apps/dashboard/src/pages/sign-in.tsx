import { useState } from 'preact/hooks';

/** The admin token form; the token goes to sessionStorage only once the relay accepted it. */
export function SignIn({ error, onSignIn }: { error: string | undefined; onSignIn: (token: string) => Promise<void> }) {
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  return (
    <main class="sign-in">
      <h1>Relay console</h1>
      <form
        onSubmit={async (event) => {
          event.preventDefault();
          setBusy(true);
          try {
            await onSignIn(token.trim());
          } finally {
            setBusy(false);
          }
        }}
      >
        <label for="admin-token">Admin token</label>
        <input
          id="admin-token"
          name="admin-token"
          type="password"
          autoComplete="off"
          spellcheck={false}
          required
          value={token}
          onInput={(event) => setToken(event.currentTarget.value)}
          aria-describedby={error ? 'sign-in-error' : 'sign-in-help'}
        />
        <p id="sign-in-help" class="help">
          The relay's <code>admin.token</code>. It is kept in this tab only (sessionStorage) and sent as a bearer
          header.
        </p>
        <button type="submit" disabled={busy}>
          Sign in
        </button>
        {error && (
          <p id="sign-in-error" class="notice error" role="alert">
            {error}
          </p>
        )}
      </form>
    </main>
  );
}
