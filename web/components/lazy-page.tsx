// A page loaded when first opened (its own file in the bundle, esbuild's code splitting): pages
// only a few roles open stay out of what every phone downloads at login.
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { tx } from '../lib/i18n.ts';

export function lazyPage<P extends object>(load: () => Promise<ComponentType<P>>): ComponentType<P> {
  let loaded: ComponentType<P> | null = null;
  return function LazyPage(props: P) {
    const [Page, setPage] = useState<ComponentType<P> | null>(() => loaded);
    const [failed, setFailed] = useState(false);
    useEffect(() => {
      if (Page) return;
      load().then(
        (c) => {
          loaded = c;
          setPage(() => c);
        },
        // A bundle rebuilt since this page loaded has other file names: a reload fetches the new ones.
        () => setFailed(true),
      );
    }, []);
    if (failed)
      return (
        <p class="alert error" role="alert">
          {tx('Không tải được trang này. ', 'This page could not be loaded. ')}
          <button type="button" class="link" onClick={() => location.reload()}>
            {tx('Tải lại', 'Reload')}
          </button>
        </p>
      );
    return Page ? <Page {...props} /> : <div class="loading">…</div>;
  };
}
