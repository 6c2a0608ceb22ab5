// aedes' memory persistence finds the retained messages for a SUBSCRIBE by testing every retained
// topic against each filter. Each device has a retained manifest and a retained status, so every
// device that connects scans them all, six times (its six filters): N devices connecting cost
// O(N²), minutes of the hub's CPU at 10,000 (docs/brokers.md, "Size"). A device subscribes only to
// literal topics, so an index by topic answers those directly; a filter with a wildcard (the hub's
// own) still takes the scan.
import { Readable } from 'node:stream';

interface RetainedPacket {
  topic: string;
  payload: Buffer;
}
/** The two methods of aedes' persistence this replaces (aedes-persistence's CallBackPersistence). */
export interface RetainedStore {
  storeRetained(packet: RetainedPacket, cb?: (err: Error | null) => void): Promise<void> | undefined;
  createRetainedStreamCombi(patterns: string[]): Readable;
}

const hasWildcard = (filter: string) => filter.includes('+') || filter.includes('#') || filter.startsWith('$share/');

export function indexRetained(persistence: RetainedStore): void {
  const byTopic = new Map<string, RetainedPacket>();
  const store = persistence.storeRetained.bind(persistence);
  const scan = persistence.createRetainedStreamCombi.bind(persistence);
  persistence.storeRetained = (packet, cb) => {
    // As the persistence does: an empty payload clears the topic; a copy, as it was published.
    if (packet.payload.length === 0) byTopic.delete(packet.topic);
    else byTopic.set(packet.topic, { ...packet });
    return store(packet, cb);
  };
  persistence.createRetainedStreamCombi = (patterns) => {
    if (patterns.some(hasWildcard)) return scan(patterns);
    return Readable.from(patterns.flatMap((p) => byTopic.get(p) ?? []));
  };
}
