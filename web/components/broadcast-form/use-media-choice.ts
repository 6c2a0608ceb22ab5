// The audio of a broadcast: one of the library's ready files, or none.
import { useEffect, useState } from 'preact/hooks';
import type { MediaItem } from '../../../hub/api-contract/media.ts';
import { get } from '../../lib/api.ts';

export function useMediaChoice(initial: number | null | undefined) {
  const [mediaId, setMediaId] = useState<number | ''>(initial ?? '');
  const [media, setMedia] = useState<MediaItem[]>([]);
  // Reloaded when the audio is one the list does not have yet (a typed bulletin just read).
  useEffect(() => {
    if (mediaId !== '' && media.some((m) => m.id === mediaId)) return;
    // Nobody waits for the list: a failed load keeps the one the form has, and says why in the console.
    void get<MediaItem[]>('/api/v1/media')
      .then((m) => setMedia(m.filter((x) => x.status === 'ready')))
      .catch((e) => console.error('media list', e));
  }, [mediaId]);
  return { mediaId, setMediaId, media };
}
