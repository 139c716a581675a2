/**
 * The React side of url-hash.ts: apply the hash on load and whenever the reader edits it, and
 * write the widget's state back without the write echoing as an edit.
 */
import { useCallback, useEffect, useRef } from 'react';
import { replaceHash } from './url-hash.ts';

/**
 * `apply` runs once after hydration when the page was opened with a hash, and on each hashchange
 * that the widget did not cause. Returns `write(hash)`, which replaces the hash and remembers it.
 */
export function useUrlHash(apply: (hash: string) => void): (hash: string) => void {
  const last = useRef<string | null>(null);
  const applyRef = useRef(apply);
  applyRef.current = apply;
  useEffect(() => {
    if (window.location.hash !== '') applyRef.current(window.location.hash);
    const onHash = () => { if (window.location.hash !== last.current) applyRef.current(window.location.hash); };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  return useCallback((hash: string) => {
    last.current = hash;
    replaceHash(hash);
  }, []);
}
