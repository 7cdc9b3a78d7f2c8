import { useCallback, useState } from 'preact/hooks';
import { AdminApiError, type AdminClient } from '../admin-client.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { CreateKeyForm } from '../components/create-key-form.js';
import { NewKeyNotice } from '../components/new-key-notice.js';
import { UsageMeter } from '../components/usage-meter.js';
import { clockTime, countText, usdText } from '../format.js';
import { epochMs, type KeyStats, limitBars } from '../key-view.js';
import { type UsageRow, usageByGroup, utcDay } from '../usage-rows.js';
import { usePolling } from '../use-polling.js';
import { pollIntervalMs } from '../use-stats-polling.js';

interface KeysAnswer {
  readonly keys: readonly KeyStats[];
  /** Today's ledger per key id; undefined when the relay's usage ledger did not answer. */
  readonly usage: ReadonlyMap<string, UsageRow> | undefined;
  readonly usageError: string | undefined;
}

/**
 * The client keys (`GET /admin/keys` and today's `GET /admin/usage?groupBy=key`, every 2 s): limits and budgets
 * as bars against their use, requests and cost today, last use; create (the key shown once) and revoke.
 */
export function KeysPage({ client, onRefused }: { client: AdminClient; onRefused: (message: string) => void }) {
  const load = useCallback(async (): Promise<KeysAnswer> => {
    const today = utcDay(Date.now());
    const [keys, usage] = await Promise.all([
      client.keys(),
      client.usage({ groupBy: 'key', from: today, to: today }).then(
        (rows) => ({ rows, error: undefined }),
        (error: Error) => ({ rows: undefined, error }),
      ),
    ]);
    if (usage.error instanceof AdminApiError && usage.error.refusedToken) throw usage.error;
    return {
      keys,
      usage: usage.rows ? usageByGroup(usage.rows) : undefined,
      usageError: usage.error?.message,
    };
  }, [client]);
  const polled = usePolling(load, pollIntervalMs, onRefused);
  const [created, setCreated] = useState<{ id: string; key: string } | undefined>();
  const [revoking, setRevoking] = useState<string | undefined>();
  const [status, setStatus] = useState('');

  const revoke = async (id: string) => {
    setRevoking(undefined);
    setStatus(`Revoking ${id}…`);
    try {
      await client.revokeKey(id);
      await polled.refresh();
      setStatus(`Key ${id} revoked.`);
    } catch (error) {
      setStatus(`Could not revoke ${id}: ${(error as Error).message}`);
    }
  };

  if (polled.error instanceof AdminApiError && polled.error.notThere) {
    return (
      <section aria-labelledby="keys-title">
        <h2 id="keys-title">Keys</h2>
        <p class="notice" role="status">
          This relay has no keys API (<code>GET /admin/keys</code> answered 404): its client keys are the ones in its
          config file.
        </p>
      </section>
    );
  }

  const keys = polled.data?.keys ?? [];
  const now = Date.now();
  return (
    <section aria-labelledby="keys-title">
      <h2 id="keys-title">Keys</h2>
      {created && <NewKeyNotice id={created.id} secret={created.key} onDone={() => setCreated(undefined)} />}
      <CreateKeyForm
        client={client}
        onCreated={(key) => {
          setCreated(key);
          setStatus(`Key ${key.id} created.`);
          void polled.refresh();
        }}
      />
      <p class="help" role="status">
        {status}
      </p>
      {polled.error && (
        <p class="notice error" role="alert">
          Keys are out of date: {polled.error.message}
        </p>
      )}
      {polled.data?.usageError && (
        <p class="notice">No requests or cost per key: the usage ledger did not answer ({polled.data.usageError}).</p>
      )}
      <div class="table-scroll">
        <table class="rows">
          <caption>
            {polled.data
              ? `${keys.length === 1 ? '1 key' : `${keys.length} keys`}; requests and cost today (UTC)`
              : 'Loading…'}
          </caption>
          <thead>
            <tr>
              <th scope="col">Key</th>
              <th scope="col">User</th>
              <th scope="col">Models</th>
              <th scope="col">Limits and budgets</th>
              <th scope="col">Requests</th>
              <th scope="col">Cost</th>
              <th scope="col">Last used</th>
              <th scope="col">Expires</th>
              <th scope="col">Action</th>
            </tr>
          </thead>
          <tbody>
            {keys.map((key) => {
              const usage = polled.data?.usage?.get(key.id);
              const bars = limitBars(key);
              const lastUsed = epochMs(key.lastUsedAt);
              const expires = epochMs(key.expiresAt);
              return (
                <tr key={key.id} data-key={key.id}>
                  <th scope="row" data-label="Key">
                    {key.id}
                    {key.source === 'config' && <span class="help"> (config file)</span>}
                  </th>
                  <td data-label="User">{key.userId ?? '—'}</td>
                  <td data-label="Models">{key.models?.join(', ') ?? 'any'}</td>
                  <td data-label="Limits and budgets" class="meters">
                    {bars.length === 0
                      ? 'none'
                      : bars.map((bar) => (
                          <UsageMeter
                            key={bar.id}
                            id={bar.id}
                            label={bar.label}
                            used={bar.used === undefined ? undefined : bar.used / bar.limit}
                            detail={bar.detail}
                            resetsInMs={bar.resetsAt === undefined ? undefined : bar.resetsAt - now}
                            state={bar.used !== undefined && bar.used >= bar.limit ? 'exhausted' : 'ok'}
                          />
                        ))}
                  </td>
                  <td data-label="Requests">{usage ? countText(usage.requests) : polled.data?.usage ? '0' : '—'}</td>
                  <td data-label="Cost">{usage ? usdText(usage.costUsd) : polled.data?.usage ? usdText(0) : '—'}</td>
                  <td data-label="Last used">{lastUsed === undefined ? 'never' : clockTime(new Date(lastUsed))}</td>
                  <td data-label="Expires">
                    {expires === undefined ? 'never' : new Date(expires).toLocaleString('en-GB')}
                  </td>
                  <td data-label="Action">
                    {key.source !== 'config' && (
                      <button
                        type="button"
                        class="danger"
                        aria-label={`Revoke key ${key.id}`}
                        onClick={() => setRevoking(key.id)}
                      >
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {revoking && (
        <ConfirmDialog
          title={`Revoke key ${revoking}?`}
          confirmLabel="Revoke key"
          onConfirm={() => void revoke(revoking)}
          onCancel={() => setRevoking(undefined)}
        >
          <p>
            Every client using it is refused (401) from its next request, on every relay instance. This cannot be
            undone.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
