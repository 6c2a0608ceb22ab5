// Binding a hub message to its target. The envelope's `to` is signed with the body, so a genuine
// message copied onto another topic still names the device or area it was made for; a receiver
// refuses it unless that is itself (or one of its areas) and the topic it came on says the same.
import type { HubBody, MessageTarget } from './schemas.ts';
import type { ParsedTopic } from './topics.ts';

export type TargetKind = 'device' | 'area';

/** Which targets each body may have: only commands go to a whole area. */
export const TARGET_KINDS: Record<HubBody['type'], readonly TargetKind[]> = {
  schedule: ['device'],
  'play-now': ['device', 'area'],
  stop: ['device', 'area'],
  'receipt-ack': ['device'],
  'clock-reply': ['device'],
};

export const targetKind = (to: MessageTarget): TargetKind => ('device' in to ? 'device' : 'area');

export const describeTarget = (to: MessageTarget): string =>
  'device' in to ? `device ${to.device}` : `area ${to.area}`;

/** Why `body` cannot travel to `to` (null when it can): a type that never goes there, or a manifest naming another device. */
export function bodyTargetMismatch(to: MessageTarget, body: HubBody): string | null {
  const kinds = TARGET_KINDS[body.type] as readonly TargetKind[] | undefined;
  if (!kinds) return `unknown message type '${String(body.type)}'`;
  if (!kinds.includes(targetKind(to)))
    return `a '${body.type}' message is never sent to an ${targetKind(to)} (${describeTarget(to)})`;
  if (body.type === 'schedule' && !('device' in to && to.device === body.deviceId)) {
    return `manifest for device ${body.deviceId} is addressed to ${describeTarget(to)}`;
  }
  return null;
}

export interface Addressee {
  deviceId: string;
  /** the device's area and every ancestor, as enrolment gave them */
  areaPaths: readonly string[];
}

/**
 * Why a message addressed `to` must not be acted on by `me` after arriving on `topic` (null when
 * it may). A device topic carries only messages for that device; an area topic only messages for
 * exactly that area, which must be one of the receiver's.
 */
export function targetRefusal(to: MessageTarget, me: Addressee, topic: ParsedTopic): string | null {
  if (topic.kind === 'areaCommand') {
    if (!('area' in to) || to.area !== topic.areaPath)
      return `addressed to ${describeTarget(to)}, not to area ${topic.areaPath} it came on`;
    if (!me.areaPaths.includes(to.area)) return `addressed to area ${to.area}, which device ${me.deviceId} is not in`;
    return null;
  }
  if (topic.kind !== 'deviceCommand' && topic.kind !== 'deviceSchedule' && topic.kind !== 'deviceReply')
    return `no hub message is addressed on a ${topic.kind} topic`;
  if (!('device' in to) || to.device !== topic.deviceId)
    return `addressed to ${describeTarget(to)}, not to device ${topic.deviceId} whose topic it came on`;
  if (to.device !== me.deviceId) return `addressed to device ${to.device}, not to this device ${me.deviceId}`;
  return null;
}

/** The end of the command topic for `to` (below the prefix): the hub's outbox checks a command goes where it is addressed. */
export const commandTopicSuffix = (to: MessageTarget): string =>
  'device' in to ? `dev/${to.device}/cmd` : `area/${to.area}/cmd`;
