// The broadcast form loads when first opened: with its parts (LED composer, typed bulletin, relay,
// lunar dates, campaigns) it is the largest thing in the UI, and a reader of the schedule, the
// fleet or the reports never needs it.
import type { ComponentProps } from 'preact';
import { lazyPage } from './lazy-page.tsx';
import type { BroadcastForm as Form } from './broadcast-form.tsx';

export const BroadcastForm = lazyPage<ComponentProps<typeof Form>>(() =>
  import('./broadcast-form.tsx').then((m) => m.BroadcastForm),
);
