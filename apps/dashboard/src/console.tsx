import type { AdminClient } from './admin-client.js';
import { AlertsBanner } from './components/alerts-banner.js';
import { AccountsPage } from './pages/accounts.js';
import { KeysPage } from './pages/keys.js';
import { OverviewPage } from './pages/overview.js';
import { SessionsPage } from './pages/sessions.js';
import { pages, useHashPage } from './use-hash-page.js';
import { useStatsPolling } from './use-stats-polling.js';

/** The signed-in console: navigation, firing alerts, and the current page. */
export function Console({ client, onSignOut }: { client: AdminClient; onSignOut: (reason?: string) => void }) {
  const page = useHashPage();
  const polled = useStatsPolling(client, onSignOut);
  return (
    <div class="console">
      <header class="top">
        <h1>Relay console</h1>
        <nav aria-label="Pages">
          <ul>
            {pages.map((entry) => (
              <li key={entry.id}>
                <a href={`#/${entry.id}`} aria-current={entry.id === page ? 'page' : undefined}>
                  {entry.title}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <button type="button" class="secondary" onClick={() => onSignOut()}>
          Sign out
        </button>
      </header>
      <main>
        {polled.error && (
          <p class="notice error" role="alert">
            Stats are out of date: {polled.error}
          </p>
        )}
        <AlertsBanner alerts={polled.stats?.alerts ?? []} />
        {page === 'overview' && <OverviewPage polled={polled} />}
        {page === 'accounts' && <AccountsPage client={client} onRefused={onSignOut} />}
        {page === 'keys' && <KeysPage client={client} onRefused={onSignOut} />}
        {page === 'sessions' && <SessionsPage client={client} />}
      </main>
    </div>
  );
}
