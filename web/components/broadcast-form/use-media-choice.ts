// The audio of a broadcast: one of the library's ready files, or none.
import { useEffect, useState } from 'preact/hooks';
import { get } from '../../lib/api.ts';

export function useMediaChoice(initial: number | null | undefined) {
  const [mediaId, setMediaId] = useState<number | ''>(initial ?? '');
  const [media, setMedia] = useState<any[]>([]);
  // Reloaded when the audio is one the list does not have yet (a typed bulletin just read).
  useEffect(() => {
    if (mediaId !== '' && media.some((m) => m.id === mediaId)) return;
    get<any[]>('/api/v1/media').then((m) => setMedia(m.filter((x) => x.status === 'ready')));
  }, [mediaId]);
  return { mediaId, setMediaId, media };
}
