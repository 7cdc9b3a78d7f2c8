import { useCallback, useState } from 'preact/hooks';
import { AdminApiError, type AdminClient } from '../admin-client.js';
import { firstLedgerDay } from '../budget-spend.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { CreateKeyForm } from '../components/create-key-form.js';
import { NewKeyNotice } from '../components/new-key-notice.js';
import { UsageMeter } from '../components/usage-meter.js';
import { countText, dateTimeText, usdText } from '../format.js';
import { epochMs, type KeyStats, limitBars } from '../key-view.js';
import { usageBy, utcDay } from '../usage-rows.js';
import { usePolling } from '../use-polling.js';
import { pollIntervalMs } from '../use-stats-polling.js';

/** How often the ledger is read on this page: a read covers every key's days since its longest calendar budget began. */
const ledgerIntervalMs = 5000;
/** Keys whose limiter view is asked for one by one on each poll (`GET /admin/keys/:id`); the others show limits only. */
const detailedKeys = 50;

/**
 * The client keys (`GET /admin/keys` every 2 s, and `GET /admin/keys/:id` for those with limits, for the use
 * against each), with today's requests and cost and each calendar budget's spend from the ledger (`GET
 * /admin/usage?groupBy=key,day` every 5 s); create (the key shown once) and revoke with a confirmation.
 */
export function KeysPage({ client, onRefused }: { client: AdminClient; onRefused: (message: string) => void }) {
  const loadKeys = useCallback(async (): Promise<KeyStats[]> => {
    const keys = await client.keys();
    const limited = keys.filter((key) => key.limits !== undefined).slice(0, detailedKeys);
    const details = await Promise.all(limited.map((key) => client.key(key.id).catch(() => undefined)));
    const usageById = new Map(details.flatMap((detail) => (detail?.usage ? [[detail.id, detail.usage] as const] : [])));
    return keys.map((key) => (usageById.has(key.id) ? { ...key, usage: usageById.get(key.id) } : key));
  }, [client]);
  const polled = usePolling(loadKeys, pollIntervalMs, onRefused);

  const windows = (polled.data ?? []).flatMap((key) => (key.limits?.budgets ?? []).map((budget) => budget.window));
  const firstDay = firstLedgerDay(windows, Date.now());
  const loadLedger = useCallback(
    () => client.usage({ groupBy: ['key', 'day'], from: firstDay, to: utcDay(Date.now()) }),
    [client, firstDay],
  );
  const ledger = usePolling(loadLedger, ledgerIntervalMs, onRefused);
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

  const keys = polled.data ?? [];
  const now = Date.now();
  const today = utcDay(now);
  const usageToday = ledger.data
    ? usageBy(
        ledger.data.filter((row) => row.day === today),
        'keyId',
      )
    : undefined;
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
      {ledger.error && (
        <p class="notice">No requests or cost per key: the usage ledger did not answer ({ledger.error.message}).</p>
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
              const usage = usageToday?.get(key.id);
              const bars = limitBars(key, ledger.data, now);
              const lastUsed = epochMs(key.lastUsedAt);
              const expires = epochMs(key.expiresAt);
              return (
                <tr key={key.id} data-key={key.id}>
                  <th scope="row" data-label="Key">
                    {key.id}
                    {key.source && key.source !== 'store' && (
                      <span class="detail">from the {key.source === 'config' ? 'config' : 'state'} file</span>
                    )}
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
                  <td data-label="Requests">{usageToday ? countText(usage?.requests ?? 0) : '—'}</td>
                  <td data-label="Cost">{usageToday ? usdText((usage?.costMicroUsd ?? 0) / 1_000_000) : '—'}</td>
                  <td data-label="Last used">{lastUsed === undefined ? 'never' : dateTimeText(lastUsed, now)}</td>
                  <td data-label="Expires" data-expired={key.expired ? 'true' : undefined}>
                    {expires === undefined ? 'never' : dateTimeText(expires, now)}
                    {key.expired ? ' (expired)' : ''}
                  </td>
                  <td data-label="Action">
                    {key.source === 'store' && (
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
