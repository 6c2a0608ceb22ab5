// A relay (tiếp âm) as the official fills it in: the upstream address, its length (minutes) or the
// time it ends (HH:MM), and what the loudspeakers air if the upstream is lost. Turned into the
// API's `relay` (docs/relay.md); the hub checks the address and the length and names the problem.
import { useState } from 'preact/hooks';
import type { Broadcast } from '../../../hub/api-contract/broadcasts.ts';

type RelaySettings = NonNullable<Broadcast['relay']>;

export type RelayFallbackChoice = RelaySettings['fallback'];

export function useRelay(initial: RelaySettings | null | undefined) {
  const [on, setOn] = useState(!!initial);
  const [url, setUrl] = useState(initial?.url ?? '');
  const [lengthKind, setLengthKind] = useState<'minutes' | 'endsAt'>(initial?.endsAt ? 'endsAt' : 'minutes');
  const [minutes, setMinutes] = useState<string>(initial?.seconds ? String(Math.round(initial.seconds / 60)) : '30');
  const [endsAt, setEndsAt] = useState(initial?.endsAt ?? '');
  const [fallback, setFallback] = useState<RelayFallbackChoice>(initial?.fallback ?? 'silence');
  const [identMediaId, setIdentMediaId] = useState<number | ''>(initial?.identMediaId ?? '');
  const m = Number(minutes);
  const body = {
    url: url.trim(),
    ...(lengthKind === 'minutes' ? { seconds: Number.isFinite(m) ? Math.round(m * 60) : 0 } : { endsAt }),
    fallback,
    ...(fallback === 'ident' && identMediaId !== '' ? { identMediaId } : {}),
  };
  return {
    on,
    setOn,
    url,
    setUrl,
    lengthKind,
    setLengthKind,
    minutes,
    setMinutes,
    endsAt,
    setEndsAt,
    fallback,
    setFallback,
    identMediaId,
    setIdentMediaId,
    /** the API's `relay`, or undefined when the audio is not a relay */
    body: on ? body : undefined,
    /** filled enough to ask the hub (it words what is wrong with the address or the length) */
    filled: on && !!body.url && (lengthKind === 'minutes' ? minutes.trim() !== '' : !!endsAt),
  };
}

export type RelayChoice = ReturnType<typeof useRelay>;
