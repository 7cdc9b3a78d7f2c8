import { useState } from 'preact/hooks';
import { accountState } from '../account-state.js';
import type { AdminClient } from '../admin-client.js';
import type { PolledStats } from '../use-stats-polling.js';

/** One row per configured account, with a re-enable button for a disabled or cooling one. */
export function AccountsPage({ client, polled }: { client: AdminClient; polled: PolledStats }) {
  const [status, setStatus] = useState<string>('');
  const accounts = polled.stats?.accounts ?? [];

  const enable = async (id: string) => {
    setStatus(`Re-enabling ${id}…`);
    try {
      await client.enableAccount(id);
      await polled.refresh();
      setStatus(`Account ${id} re-enabled.`);
    } catch (error) {
      setStatus(`Could not re-enable ${id}: ${(error as Error).message}`);
    }
  };

  return (
    <section aria-labelledby="accounts-title">
      <h2 id="accounts-title">Accounts</h2>
      <p class="help" role="status">
        {status}
      </p>
      <table class="rows">
        <caption>{polled.stats ? `${accounts.length} configured accounts` : 'Loading…'}</caption>
        <thead>
          <tr>
            <th scope="col">Account</th>
            <th scope="col">State</th>
            <th scope="col">Priority</th>
            <th scope="col">In flight / cap</th>
            <th scope="col">Requests</th>
            <th scope="col">Failures</th>
            <th scope="col">Auth</th>
            <th scope="col">Action</th>
          </tr>
        </thead>
        <tbody>
          {accounts.map((account) => {
            const state = accountState(account, polled.receivedAt);
            return (
              <tr key={account.id} data-account={account.id} data-state={state.kind}>
                <th scope="row" data-label="Account">
                  {account.id}
                </th>
                <td data-label="State">
                  <span class={`state state-${state.kind}`}>{state.label}</span>
                </td>
                <td data-label="Priority">{account.priority}</td>
                <td data-label="In flight / cap">
                  {account.inFlight} / {account.maxConcurrency}
                </td>
                <td data-label="Requests">{account.requests}</td>
                <td data-label="Failures">{account.failures}</td>
                <td data-label="Auth">
                  {account.auth}
                  {account.proxy ? ` via ${account.proxy}` : ''}
                </td>
                <td data-label="Action">
                  {state.canEnable && (
                    <button
                      type="button"
                      onClick={() => void enable(account.id)}
                      aria-label={`Re-enable account ${account.id}`}
                    >
                      Re-enable
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
