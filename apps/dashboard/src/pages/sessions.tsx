import { useState } from 'preact/hooks';
import type { AdminClient, SessionFilter } from '../admin-client.js';
import { clockTime } from '../format.js';
import type { SessionStats } from '../relay-stats.js';

const filters: ReadonlyArray<{ id: SessionFilter; title: string }> = [
  { id: 'userId', title: 'User id' },
  { id: 'apiKeyId', title: 'Client key id' },
  { id: 'accountId', title: 'Account id' },
];

/** Finds sessions by user, client key or account (`GET /admin/sessions`). */
export function SessionsPage({ client }: { client: AdminClient }) {
  const [filter, setFilter] = useState<SessionFilter>('accountId');
  const [value, setValue] = useState('');
  const [found, setFound] = useState<SessionStats[] | undefined>();
  const [error, setError] = useState<string | undefined>();

  const find = async (event: Event) => {
    event.preventDefault();
    try {
      setFound(await client.sessions(filter, value.trim()));
      setError(undefined);
    } catch (failure) {
      setFound(undefined);
      setError((failure as Error).message);
    }
  };

  return (
    <section aria-labelledby="sessions-title">
      <h2 id="sessions-title">Sessions</h2>
      <form class="inline" onSubmit={find}>
        <label for="session-filter">Find by</label>
        <select
          id="session-filter"
          value={filter}
          onChange={(event) => setFilter(event.currentTarget.value as SessionFilter)}
        >
          {filters.map((entry) => (
            <option key={entry.id} value={entry.id}>
              {entry.title}
            </option>
          ))}
        </select>
        <label for="session-value">Value</label>
        <input id="session-value" required value={value} onInput={(event) => setValue(event.currentTarget.value)} />
        <button type="submit">Find</button>
      </form>
      {error && (
        <p class="notice error" role="alert">
          {error}
        </p>
      )}
      {found && (
        <div class="table-scroll">
          <table class="rows">
            <caption>{found.length === 1 ? '1 session' : `${found.length} sessions`}</caption>
            <thead>
              <tr>
                <th scope="col">Session</th>
                <th scope="col">User</th>
                <th scope="col">Client key</th>
                <th scope="col">Account</th>
                <th scope="col">Requests</th>
                <th scope="col">Errors</th>
                <th scope="col">Last activity</th>
                <th scope="col">Expires</th>
              </tr>
            </thead>
            <tbody>
              {found.map((session) => (
                <tr key={session.id} data-session={session.id}>
                  <th scope="row" data-label="Session">
                    <code>{session.id}</code>
                  </th>
                  <td data-label="User">{session.userId ?? '—'}</td>
                  <td data-label="Client key">{session.apiKeyId ?? '—'}</td>
                  <td data-label="Account">{session.accountId ?? '—'}</td>
                  <td data-label="Requests">{session.requestCount}</td>
                  <td data-label="Errors">{session.errorCount}</td>
                  <td data-label="Last activity">{clockTime(new Date(session.lastActivityAt))}</td>
                  <td data-label="Expires">{clockTime(new Date(session.expiresAt))}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
