import { useState } from 'preact/hooks';
import type { AdminClient } from '../admin-client.js';
import { budgetWindows, createKeyBody, emptyKeyForm, type KeyFormErrors, type KeyFormFields } from '../key-form.js';

type TextField = Exclude<keyof KeyFormFields, 'budgets'>;

const textFields: ReadonlyArray<{
  name: TextField;
  label: string;
  type?: 'text' | 'number' | 'datetime-local';
  help?: string;
  required?: boolean;
}> = [
  {
    name: 'id',
    label: 'Key id',
    required: true,
    help: 'Letters, digits, ".", "_", "@", "-"; shown in usage and logs.',
  },
  { name: 'userId', label: 'User id', help: 'Optional: whose key it is.' },
  { name: 'models', label: 'Models', help: 'Optional: patterns separated by commas, e.g. claude-sonnet-*.' },
  { name: 'expiresAt', label: 'Expires', type: 'datetime-local', help: 'Optional, in your time zone.' },
  { name: 'requestsPerMinute', label: 'Requests per minute', type: 'number' },
  { name: 'tokensPerMinute', label: 'Tokens per minute', type: 'number' },
  { name: 'concurrency', label: 'Requests in flight at once', type: 'number' },
];

/** The create-key form: limits and budgets checked as typed, then `POST /admin/keys`. */
export function CreateKeyForm({
  client,
  onCreated,
}: {
  client: AdminClient;
  onCreated: (created: { id: string; key: string }) => void;
}) {
  const [fields, setFields] = useState<KeyFormFields>(emptyKeyForm);
  const [errors, setErrors] = useState<KeyFormErrors>({});
  const [failure, setFailure] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const set = (change: Partial<KeyFormFields>) => setFields((current) => ({ ...current, ...change }));
  const setBudget = (index: number, change: Partial<{ usd: string; window: string }>) =>
    set({ budgets: fields.budgets.map((budget, at) => (at === index ? { ...budget, ...change } : budget)) });

  const submit = async (event: Event) => {
    event.preventDefault();
    const checked = createKeyBody(fields, Date.now());
    setErrors(checked.errors ?? {});
    setFailure(undefined);
    if (!checked.body) return;
    setBusy(true);
    try {
      const created = await client.createKey(checked.body);
      setFields(emptyKeyForm);
      onCreated(created);
    } catch (error) {
      setFailure(`The relay did not create the key: ${(error as Error).message}`);
    } finally {
      setBusy(false);
    }
  };

  const describedBy = (name: string, help?: string) =>
    [help ? `${name}-help` : '', errors[name] ? `${name}-error` : ''].filter(Boolean).join(' ') || undefined;
  const errorOf = (name: string) =>
    errors[name] && (
      <span id={`${name}-error`} class="field-error">
        {errors[name]}
      </span>
    );

  return (
    <form class="create-key" onSubmit={submit} noValidate aria-labelledby="create-key-title">
      <h3 id="create-key-title">Create a key</h3>
      <div class="fields">
        {textFields.map((field) => (
          <div class="field" key={field.name}>
            <label for={`key-${field.name}`}>{field.label}</label>
            <input
              id={`key-${field.name}`}
              name={field.name}
              {...(field.type === 'number'
                ? { type: 'number' as const, min: 1, step: 1, inputMode: 'numeric' as const }
                : field.type === 'datetime-local'
                  ? { type: 'datetime-local' as const }
                  : { type: 'text' as const })}
              required={field.required}
              autoComplete="off"
              value={fields[field.name]}
              aria-invalid={errors[field.name] ? true : undefined}
              aria-describedby={describedBy(field.name, field.help)}
              onInput={(event) => set({ [field.name]: event.currentTarget.value })}
            />
            {field.help && (
              <span id={`${field.name}-help`} class="help">
                {field.help}
              </span>
            )}
            {errorOf(field.name)}
          </div>
        ))}
      </div>
      <fieldset class="budgets">
        <legend>Budgets</legend>
        {fields.budgets.length === 0 && <p class="help">No budget: the key may spend without a cap.</p>}
        {fields.budgets.map((budget, index) => (
          <div class="inline budget" key={index} data-budget={index}>
            <label for={`budget-${index}-usd`}>Budget {index + 1}, dollars</label>
            <input
              id={`budget-${index}-usd`}
              type="number"
              min={0}
              step="any"
              value={budget.usd}
              aria-invalid={errors[`budgets.${index}.usd`] ? true : undefined}
              aria-describedby={errors[`budgets.${index}.usd`] ? `budgets.${index}.usd-error` : undefined}
              onInput={(event) => setBudget(index, { usd: event.currentTarget.value })}
            />
            <label for={`budget-${index}-window`}>window</label>
            <select
              id={`budget-${index}-window`}
              value={budget.window}
              onChange={(event) => setBudget(index, { window: event.currentTarget.value })}
            >
              {budgetWindows.map((window) => (
                <option key={window.id} value={window.id}>
                  {window.title}
                </option>
              ))}
            </select>
            <button
              type="button"
              class="secondary"
              aria-label={`Remove budget ${index + 1}`}
              onClick={() => set({ budgets: fields.budgets.filter((_budget, at) => at !== index) })}
            >
              Remove
            </button>
            {errorOf(`budgets.${index}.usd`)}
            {errorOf(`budgets.${index}.window`)}
          </div>
        ))}
        {fields.budgets.length < 8 && (
          <button
            type="button"
            class="secondary"
            onClick={() => set({ budgets: [...fields.budgets, { usd: '', window: 'day' }] })}
          >
            Add a budget
          </button>
        )}
      </fieldset>
      <button type="submit" disabled={busy}>
        Create key
      </button>
      {failure && (
        <p class="notice error" role="alert">
          {failure}
        </p>
      )}
    </form>
  );
}
