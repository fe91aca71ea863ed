import { useEffect, useState, type FormEvent } from 'react';
import { navigate } from '../routing/use-route.tsx';
import { searchPath } from '../routing/route.ts';

interface SearchFormProps {
  query?: string;
  remote?: boolean;
  compact?: boolean;
}

export function SearchForm({ query = '', remote = false, compact = false }: SearchFormProps) {
  const [text, setText] = useState(query);
  const [alsoRemote, setAlsoRemote] = useState(remote);
  useEffect(() => setText(query), [query]);
  useEffect(() => setAlsoRemote(remote), [remote]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const q = text.trim();
    if (q) navigate(searchPath(q, alsoRemote));
  };

  return (
    <form role="search" className={compact ? 'search-form compact' : 'search-form'} onSubmit={submit}>
      <label className="visually-hidden" htmlFor={compact ? 'q-compact' : 'q'}>
        Anime title
      </label>
      <input
        id={compact ? 'q-compact' : 'q'}
        name="q"
        type="search"
        value={text}
        maxLength={200}
        placeholder={compact ? 'Search a title' : 'A title, e.g. Attack on Titan'}
        autoComplete="off"
        onChange={(e) => setText(e.target.value)}
      />
      {!compact && (
        <label className="check">
          <input type="checkbox" name="remote" checked={alsoRemote} onChange={(e) => setAlsoRemote(e.target.checked)} />
          Search AniList too
        </label>
      )}
      <button type="submit" className="button primary">
        Search
      </button>
    </form>
  );
}
