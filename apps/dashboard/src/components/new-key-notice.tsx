import { useEffect, useRef, useState } from 'preact/hooks';

/** The key just created, shown this once (the relay keeps only its hash), with a copy button. */
export function NewKeyNotice({ id, secret, onDone }: { id: string; secret: string; onDone: () => void }) {
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState('');
  useEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, []);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied('Copied to the clipboard.');
    } catch {
      input.current?.select();
      setCopied('The browser did not let the console copy it: the key is selected, copy it with Ctrl+C.');
    }
  };
  return (
    <section class="new-key" aria-labelledby="new-key-title">
      <h3 id="new-key-title">Key {id} created</h3>
      <p>Copy it now: it is shown only this once, and the relay keeps only its hash.</p>
      <div class="inline">
        <label for="new-key-secret">The new key of {id}</label>
        <input
          id="new-key-secret"
          ref={input}
          readOnly
          value={secret}
          spellcheck={false}
          autoComplete="off"
          onFocus={(event) => event.currentTarget.select()}
        />
        <button type="button" onClick={() => void copy()}>
          Copy
        </button>
        <button type="button" class="secondary" onClick={onDone}>
          Done, hide it
        </button>
      </div>
      <p class="help" role="status">
        {copied}
      </p>
    </section>
  );
}
