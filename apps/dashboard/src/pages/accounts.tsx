import { useCallback, useState } from 'preact/hooks';
import { accountState } from '../account-state.js';
import type { AdminClient } from '../admin-client.js';
import { UsageMeter } from '../components/usage-meter.js';
import { usePolling } from '../use-polling.js';
import { pollIntervalMs } from '../use-stats-polling.js';
import { windowBars } from '../window-bars.js';

/**
 * One row per configured account (`GET /admin/accounts` every 2 s): state and why, priority, in flight / cap,
 * bound sessions, usage windows with reset countdowns, requests and failures; re-enable for a disabled or
 * cooling one.
 */
export function AccountsPage({ client, onRefused }: { client: AdminClient; onRefused: (message: string) => void }) {
  const [status, setStatus] = useState<string>('');
  const load = useCallback(() => client.accounts(), [client]);
  const polled = usePolling(load, pollIntervalMs, onRefused);
  const accounts = polled.data ?? [];
  const now = Date.now();

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
      {polled.error && (
        <p class="notice error" role="alert">
          Accounts are out of date: {polled.error.message}
        </p>
      )}
      <div class="table-scroll">
        <table class="rows">
          <caption>{polled.data ? `${accounts.length} configured accounts` : 'Loading…'}</caption>
          <thead>
            <tr>
              <th scope="col">Account</th>
              <th scope="col">State</th>
              <th scope="col">Priority</th>
              <th scope="col">In flight / cap</th>
              <th scope="col">Bound sessions</th>
              <th scope="col">Usage windows</th>
              <th scope="col">Requests</th>
              <th scope="col">Failures</th>
              <th scope="col">Action</th>
            </tr>
          </thead>
          <tbody>
            {accounts.map((account) => {
              const state = accountState(account, polled.receivedAt);
              const bars = windowBars(account.windows, now);
              return (
                <tr key={account.id} data-account={account.id} data-state={state.kind}>
                  <th scope="row" data-label="Account">
                    {account.id}
                    <span class="detail">
                      {account.auth}
                      {account.proxy ? ` via ${account.proxy}` : ''}
                    </span>
                  </th>
                  <td data-label="State">
                    <span class={`state state-${state.kind}`}>{state.label}</span>
                  </td>
                  <td data-label="Priority">{account.priority}</td>
                  <td data-label="In flight / cap">
                    {account.inFlight} / {account.maxConcurrency}
                  </td>
                  <td data-label="Bound sessions">{account.boundSessions ?? '—'}</td>
                  <td data-label="Usage windows" class="meters">
                    {bars.length === 0
                      ? 'none reported'
                      : bars.map((bar) => (
                          <UsageMeter
                            key={bar.id}
                            id={bar.id}
                            label={bar.label}
                            used={bar.used}
                            detail={bar.detail}
                            resetsInMs={bar.resetsInMs}
                            state={bar.state}
                          />
                        ))}
                  </td>
                  <td data-label="Requests">{account.requests}</td>
                  <td data-label="Failures">{account.failures}</td>
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
      </div>
    </section>
  );
}
