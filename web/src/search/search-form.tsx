import { useEffect, useState, type FormEvent } from 'react';
import { navigate } from '../routing/use-route.tsx';
import { searchPath } from '../routing/route.ts';

interface SearchFormProps {
  value: string;
  onChange: (text: string) => void;
  /** Enter or the button. */
  onSubmit: (text: string) => void;
  compact?: boolean;
  /** Describes the input (the live status of the results). */
  describedBy?: string;
}

export function SearchForm({ value, onChange, onSubmit, compact = false, describedBy }: SearchFormProps) {
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const q = value.trim();
    if (q) onSubmit(q);
  };
  const id = compact ? 'q-compact' : 'q';
  return (
    <form role="search" className={compact ? 'search-form compact' : 'search-form'} onSubmit={submit}>
      <label className="visually-hidden" htmlFor={id}>
        Anime title
      </label>
      <input
        id={id}
        name="q"
        type="search"
        value={value}
        maxLength={200}
        placeholder={compact ? 'Search a title' : 'A title, e.g. Attack on Titan'}
        autoComplete="off"
        aria-describedby={describedBy}
        onChange={(e) => onChange(e.target.value)}
      />
      <button type="submit" className="button primary">
        Search
      </button>
    </form>
  );
}

/** The top bar's search, away from the search page: Enter goes there and opens the best match. */
export function HeaderSearch() {
  const [text, setText] = useState('');
  useEffect(() => {
    const clear = () => setText('');
    window.addEventListener('popstate', clear);
    return () => window.removeEventListener('popstate', clear);
  }, []);
  return <SearchForm compact value={text} onChange={setText} onSubmit={(q) => navigate(searchPath(q, false), { state: { open: true } })} />;
}
