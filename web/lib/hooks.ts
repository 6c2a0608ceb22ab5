import { useEffect, useRef, useState } from 'preact/hooks';
import { get, onLive, type LiveEvent, type LiveKind } from './api.ts';

/** Fetches a JSON resource; reloads when `deps` change or when one of `liveKinds` arrives (debounced). */
export function useResource<T>(
  path: string | null,
  deps: unknown[] = [],
  liveKinds: LiveKind[] = [],
  filter?: (e: LiveEvent) => boolean,
) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [n, setN] = useState(0);
  const filterRef = useRef(filter);
  filterRef.current = filter;
  useEffect(() => {
    if (!path) return;
    let alive = true;
    get<T>(path).then(
      (d) => {
        if (!alive) return;
        setData(d);
        setError(null);
      },
      (e: Error) => alive && setError(e.message),
    );
    return () => {
      alive = false;
    };
  }, [path, n, ...deps]);
  useEffect(() => {
    if (liveKinds.length === 0) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const off = onLive((e) => {
      if (!liveKinds.includes(e.kind) || (filterRef.current && !filterRef.current(e))) return;
      clearTimeout(timer);
      timer = setTimeout(() => setN((x) => x + 1), 250);
    });
    return () => {
      clearTimeout(timer);
      off();
    };
  }, [liveKinds.join()]);
  return { data, error, reload: () => setN((x) => x + 1), setData };
}

/** Re-renders every `ms` (for "3 minutes ago"). */
export function useTick(ms: number) {
  const [, set] = useState(0);
  useEffect(() => {
    const t = setInterval(() => set((x) => x + 1), ms);
    return () => clearInterval(t);
  }, [ms]);
}
