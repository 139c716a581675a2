/**
 * Hydration in short slices (issue #14). React hydrates an island's root in one task, however big
 * the tree: under Lighthouse's 4× CPU slowdown a widget's tree made that one task 150–400 ms of
 * blocking time. A Suspense boundary the server rendered is skipped when the root hydrates and is
 * hydrated afterwards at a lower priority, in slices of about 5 ms with the main thread free in
 * between. A widget wraps its larger parts in HydrationPart, and its root's own task stays small.
 *
 * A part keeps working while it waits: a click or key press inside it makes React hydrate it at
 * once and then deliver the event. Still, a widget says data-ready only when every part has
 * hydrated: `useHydrationParts` at the root tracks the parts rendered inside `HydrationParts`
 * (at any depth, so a shared component can have parts of its own).
 *
 * Keep each part's server HTML under about 12 kB. React's streaming renderer sends a bigger
 * boundary after the rest of the page, to be moved into place by an inline script, so it would
 * appear late. test/site/hydration-parts.test.ts fails on any such boundary in the built pages.
 */
import { createContext, Suspense, useContext, useEffect, useId, useLayoutEffect, useState, type ReactNode } from 'react';

interface PartsRegistry {
  /** A part was rendered: it is pending until it has hydrated. */
  add(id: string): void;
  /** A part hydrated, or went away before it did. */
  settle(id: string): void;
  /** The widget's root committed (after every part rendered with it has been added). */
  rootCommitted(): void;
}

const PartsContext = createContext<PartsRegistry | null>(null);

/** At a widget's root: `ready` turns true, and stays true, once the root and every part inside `HydrationParts` have hydrated. */
export function useHydrationParts(): { ready: boolean; registry: PartsRegistry } {
  const [ready, setReady] = useState(false);
  const [registry] = useState<PartsRegistry>(() => {
    const pending = new Set<string>();
    let committed = false;
    const check = () => {
      if (committed && pending.size === 0) setReady(true);
    };
    return {
      add: (id) => { pending.add(id); },
      settle: (id) => { pending.delete(id); check(); },
      rootCommitted: () => { committed = true; check(); },
    };
  });
  // Passive effects run after every layout effect of the same commit: the parts are added by then.
  useEffect(() => registry.rootCommitted(), [registry]);
  return { ready, registry };
}

export function HydrationParts({ registry, children }: { registry: PartsRegistry; children: ReactNode }) {
  return <PartsContext.Provider value={registry}>{children}</PartsContext.Provider>;
}

/** Content hydrated after its widget's root, in short slices. */
export function HydrationPart({ children }: { children?: ReactNode }) {
  const registry = useContext(PartsContext);
  const id = useId();
  // This wrapper sits outside the boundary, so it hydrates (and adds itself) with the root.
  useLayoutEffect(() => {
    registry?.add(id);
    return () => registry?.settle(id);
  }, [registry, id]);
  return (
    <Suspense fallback={null}>
      {children}
      <AfterHydration run={() => registry?.settle(id)} />
    </Suspense>
  );
}

/** An effect inside the boundary runs only when the boundary commits: the end of its hydration. */
function AfterHydration({ run }: { run: () => void }) {
  // Once per mount, on purpose: a later render of the part is not a new hydration.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(() => run(), []);
  return null;
}
