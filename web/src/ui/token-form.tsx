import { useId, useState, type FormEvent } from 'react';
import { useApiToken } from '../api/api-context.tsx';

interface TokenFormProps {
  /** What needs the token, e.g. "Importing this franchise". */
  action: string;
  /** The server's words (a wrong token says so). */
  detail?: string;
  /** Called once a token is stored: retry what needed it. */
  onSaved: () => void;
}

/**
 * Asks for the server's API token when it answered 401. The token stays in this tab's
 * sessionStorage (gone when the tab closes) and goes only on requests that may spend
 * upstream budget.
 */
export function TokenForm({ action, detail, onSaved }: TokenFormProps) {
  const { store } = useApiToken();
  const [text, setText] = useState('');
  const id = useId();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!text.trim()) return;
    store.set(text);
    setText('');
    onSaved();
  };
  const wrong = detail !== undefined && /not the configured one/.test(detail);
  return (
    <form className="panel token-form" onSubmit={submit} data-testid="token-form" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{wrong ? 'That token was not accepted' : 'This server asks for its API token'}</h2>
      <p className="muted">
        {action} asks AniList or MyAnimeList for data, which this server allows only with its token (<code>TSUNAGU_API_TOKEN</code>). It is
        kept for this browser tab only.
      </p>
      <div className="token-row">
        <label className="visually-hidden" htmlFor={`${id}-input`}>
          API token
        </label>
        <input
          id={`${id}-input`}
          name="token"
          type="password"
          autoComplete="off"
          spellCheck={false}
          placeholder="API token"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <button type="submit" className="button primary">
          Use token
        </button>
      </div>
    </form>
  );
}

/** In the top bar while a token is set: a way to forget it. */
export function TokenStatus() {
  const { store, present } = useApiToken();
  if (!present) return null;
  return (
    <span className="token-status small">
      API token set{' '}
      <button type="button" className="link-button" onClick={() => store.clear()}>
        Forget
      </button>
    </span>
  );
}
