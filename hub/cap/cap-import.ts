// An imported CAP 1.2 alert becomes an emergency draft the district confirms before it airs
// (docs/cap.md). Alert: a new draft. Update: replaces the draft, or, for one already airing, a draft
// that takes its place once confirmed. Cancel: ends (or cancels, not yet aired) the one it names.
// The alert's key (sender, identifier, sent) and its XML are kept, so an alert imported twice is one.
import { randomUUID } from 'node:crypto';
import type { LedMessage } from '../../protocol/index.ts';
import type { Db } from '../db/database.ts';
import type { User } from '../auth/users.ts';
import { getAreaByPath, withinScope } from '../areas/areas.ts';
import {
  approveBroadcast,
  assertReachesDevices,
  BroadcastError,
  getBroadcast,
  type Broadcast,
  type BroadcastInput,
} from '../broadcasts/broadcasts.ts';
import { getMedia } from '../media/media-store.ts';
import { roleMay, ROLE_RULES } from '../api-contract/roles.ts';
import { audit } from '../audit.ts';
import { VN_OFFSET_MS } from '../time.ts';
import { msg, type Message } from '../text/index.ts';
import { matchAreas } from './cap-areas.ts';
import { CapError, capKey, chosenInfo, parseCap, referencesOf, type CapAlert, type CapInfo } from './cap-parse.ts';

/** Where a draft's audio comes from: a media item, or a reason there is none (a note). */
export type CapAudio = { mediaId: number } | { note: Message };
/** Makes the audio for an alert's info (cap-audio.ts); absent, drafts are LED-only with a note. */
export type AudioMaker = (info: CapInfo, importedBy: number) => Promise<CapAudio>;

export interface CapImportResult {
  /** 'duplicate': the same alert (sender, identifier, sent) was imported before; nothing changed. */
  outcome: 'draft' | 'update' | 'cancel' | 'duplicate';
  alert: CapAlertRecord;
  broadcast: Broadcast | null;
  /** The broadcasts an Update or Cancel ended or replaced, as they are now. */
  closed: Broadcast[];
}

export interface CapAlertRecord {
  id: number;
  sender: string;
  identifier: string;
  sent: string;
  msgType: 'Alert' | 'Update' | 'Cancel';
  broadcastId: string | null;
  notes: Message[];
  source: string;
  importedBy: number;
  importedAt: number;
}

interface Row {
  id: number;
  sender: string;
  identifier: string;
  sent: string;
  msg_type: CapAlertRecord['msgType'];
  broadcast_id: string | null;
  notes: string;
  source: string;
  imported_by: number;
  imported_at: number;
}
const toRecord = (r: Row): CapAlertRecord => ({
  id: r.id,
  sender: r.sender,
  identifier: r.identifier,
  sent: r.sent,
  msgType: r.msg_type,
  broadcastId: r.broadcast_id,
  notes: JSON.parse(r.notes) as Message[],
  source: r.source,
  importedBy: r.imported_by,
  importedAt: r.imported_at,
});

function findAlert(db: Db, k: { sender: string; identifier: string; sent: string }): CapAlertRecord | undefined {
  const r = db
    .prepare('SELECT * FROM cap_alerts WHERE sender = ? AND identifier = ? AND sent = ?')
    .get(k.sender, k.identifier, k.sent) as Row | undefined;
  return r ? toRecord(r) : undefined;
}

export function capAlertOf(db: Db, broadcastId: string): CapAlertRecord | undefined {
  const r = db
    .prepare("SELECT * FROM cap_alerts WHERE broadcast_id = ? AND msg_type <> 'Cancel' ORDER BY id DESC LIMIT 1")
    .get(broadcastId) as Row | undefined;
  return r ? toRecord(r) : undefined;
}

export function listCapAlerts(db: Db, limit = 200): CapAlertRecord[] {
  return (db.prepare('SELECT * FROM cap_alerts ORDER BY id DESC LIMIT ?').all(limit) as Row[]).map(toRecord);
}

export function capAlertXml(db: Db, id: number): string | undefined {
  return (db.prepare('SELECT xml FROM cap_alerts WHERE id = ?').get(id) as { xml: string } | undefined)?.xml;
}

const LED_LINE = 200;
/** The headline on the boards, a page per 200 characters cut at a word (at most 16 pages). */
export function ledOf(text: string): LedMessage {
  const words = text.normalize('NFC').replace(/\s+/g, ' ').trim().split(' ');
  const lines: string[] = [];
  for (const w of words) {
    const last = lines.at(-1);
    if (last !== undefined && last.length + 1 + w.length <= LED_LINE) lines[lines.length - 1] = `${last} ${w}`;
    else lines.push(w.slice(0, LED_LINE));
  }
  return { pages: lines.slice(0, 16).map((l) => ({ lines: [l], mode: 'scroll' as const, seconds: 15 })) };
}

const duplicate = (db: Db, a: CapAlertRecord): CapImportResult => ({
  outcome: 'duplicate',
  alert: a,
  broadcast: a.broadcastId ? (getBroadcast(db, a.broadcastId) ?? null) : null,
  closed: [],
});

/** dd/mm/yyyy HH:MM in Vietnam time, as officials read a time. */
function dayAndTime(ms: number): string {
  const [date, time] = new Date(ms + VN_OFFSET_MS).toISOString().split('T');
  const [y, m, d] = date.split('-');
  return `${d}/${m}/${y} ${time.slice(0, 5)}`;
}

/** Checks what makes an alert not for airing, before anything is stored. */
function assertImportable(alert: CapAlert, info: CapInfo | undefined, now: number): void {
  // Exercise, System, Test and Draft are refused outright: stored as drafts they could be confirmed
  // by mistake and air as a real emergency on every speaker.
  if (alert.status !== 'Actual') throw new CapError(msg('cap.not-actual', { status: alert.status }), 422);
  if (alert.msgType === 'Ack' || alert.msgType === 'Error')
    throw new CapError(msg('cap.unsupported-msgtype', { msgType: alert.msgType }), 422);
  if (alert.msgType !== 'Cancel' && info?.expires && Date.parse(info.expires) <= now)
    throw new CapError(msg('cap.expired', { expires: dayAndTime(Date.parse(info.expires)) }), 422);
  if (alert.msgType !== 'Alert' && !alert.references)
    throw new CapError(msg('cap.no-references', { msgType: alert.msgType }));
  if (alert.msgType !== 'Cancel' && !info?.headline?.trim() && !info?.description?.trim() && !info?.resource.length)
    throw new CapError(msg('cap.no-content'), 422);
}

/**
 * The thread an Update or Cancel belongs to: that of the newest alert it references that the hub
 * imported (an alert's Updates and Cancels all refer back, directly or not, to its first Alert).
 */
function threadOf(db: Db, alert: CapAlert): string {
  const known = referencesOf(alert)
    .map((k) => findAlert(db, k))
    .filter((r): r is CapAlertRecord => r !== undefined)
    .sort((a, b) => b.id - a.id);
  if (!known[0])
    throw new CapError(
      msg('cap.unknown-reference', { msgType: alert.msgType, references: alert.references ?? '' }),
      404,
    );
  return (db.prepare('SELECT thread FROM cap_alerts WHERE id = ?').get(known[0].id) as { thread: string }).thread;
}

/** The thread's broadcasts, newest first: the drafts and broadcasts its Alert and Updates made. */
function threadBroadcasts(db: Db, thread: string): Broadcast[] {
  const rows = db
    .prepare("SELECT broadcast_id FROM cap_alerts WHERE thread = ? AND msg_type <> 'Cancel' ORDER BY id DESC")
    .all(thread) as Array<{ broadcast_id: string }>;
  return rows.flatMap((r) => getBroadcast(db, r.broadcast_id) ?? []);
}

/** Ends an airing broadcast or cancels a waiting draft, because of a Cancel or an Update (`why`). */
function close(
  db: Db,
  user: User,
  b: Broadcast,
  now: number,
  why: 'cancel' | 'update',
  by: string,
  closed: Broadcast[],
): void {
  if (b.status !== 'submitted' && b.status !== 'approved') return;
  closed.push(b);
  db.prepare("UPDATE broadcasts SET status = 'cancelled', cancelled_by = ?, cancelled_at = ? WHERE id = ?").run(
    user.id,
    now,
    b.id,
  );
  audit(db, user.id, why === 'cancel' ? 'cap.cancel' : 'cap.update-replaces-draft', b.id, { capAlert: by });
}

/**
 * Imports one CAP 1.2 message (its XML as received). `user` is who brought it in: the uploader, or
 * the account the feed poller files under. Throws CapError naming the problem; stores nothing then.
 */
export async function importCap(
  db: Db,
  input: { xml: string; user: User; source: string; makeAudio?: AudioMaker },
  now: number,
): Promise<CapImportResult> {
  const alert = parseCap(input.xml);
  const seen = findAlert(db, alert);
  if (seen) return duplicate(db, seen);
  const info = chosenInfo(alert);
  assertImportable(alert, info, now);
  if (alert.msgType !== 'Alert') threadOf(db, alert); // refuse an unknown reference before making audio

  const notes: Message[] = [];
  let audio: CapAudio | undefined;
  if (alert.msgType !== 'Cancel' && info) {
    audio = input.makeAudio
      ? await input.makeAudio(info, input.user.id)
      : {
          note: msg('cap.audio-unavailable', {
            reason: 'this import makes no audio',
            reasonVi: 'lần nhập này không tạo âm thanh',
          }),
        };
    if ('note' in audio) notes.push(audio.note);
  }

  return db.transaction((): CapImportResult => {
    const again = findAlert(db, alert); // imported by another request while the audio was made
    if (again) return duplicate(db, again);
    const closed: Broadcast[] = [];
    let broadcastId: string;
    let outcome: CapImportResult['outcome'];
    const key = capKey(alert);
    const thread = alert.msgType === 'Alert' ? key : threadOf(db, alert);
    const mine = threadBroadcasts(db, thread);
    const open = mine.filter((b) => b.status === 'submitted' || b.status === 'approved');
    // Ending or replacing another district's alert is theirs to do, not this importer's.
    for (const b of open)
      for (const path of b.targets.areas)
        if (!withinScope(input.user.scope, path))
          throw new BroadcastError(
            msg('broadcast.out-of-scope', { verb: 'cancel', path, scope: input.user.scope }),
            403,
          );
    if (alert.msgType === 'Cancel') {
      // Ends what airs and cancels what waits: the whole alert, whichever of its messages it names.
      for (const b of open) close(db, input.user, b, now, 'cancel', key, closed);
      broadcastId = mine[0].id;
      outcome = 'cancel';
    } else if (alert.msgType === 'Update') {
      // A draft not yet confirmed is replaced outright; one airing keeps airing until the district
      // confirms the update, which then takes its place (approveBroadcast's `replaces`).
      for (const b of open) if (b.status === 'submitted') close(db, input.user, b, now, 'update', key, closed);
      const airing = open.find((b) => b.status === 'approved');
      broadcastId = insertDraft(
        db,
        input.user,
        alert,
        info!,
        audio!,
        notes,
        now,
        airing?.id ?? null,
        mine[0].targets.areas,
      );
      outcome = 'update';
    } else {
      broadcastId = insertDraft(db, input.user, alert, info!, audio!, notes, now, null, []);
      outcome = 'draft';
    }
    const id = db
      .prepare(
        'INSERT INTO cap_alerts(sender, identifier, sent, msg_type, thread, broadcast_id, xml, notes, source, imported_by, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        alert.sender,
        alert.identifier,
        alert.sent,
        alert.msgType,
        thread,
        broadcastId,
        input.xml,
        JSON.stringify(notes),
        input.source,
        input.user.id,
        now,
      ).lastInsertRowid;
    audit(db, input.user.id, 'cap.import', String(id), {
      key,
      msgType: alert.msgType,
      broadcast: broadcastId,
      source: input.source,
    });
    const rec = toRecord(db.prepare('SELECT * FROM cap_alerts WHERE id = ?').get(id) as Row);
    return {
      outcome,
      alert: rec,
      broadcast: getBroadcast(db, broadcastId)!,
      closed: closed.map((b) => getBroadcast(db, b.id)!),
    };
  })();
}

function insertDraft(
  db: Db,
  user: User,
  alert: CapAlert,
  info: CapInfo,
  audio: CapAudio,
  notes: Message[],
  now: number,
  replaces: string | null,
  fallbackAreas: string[],
): string {
  const headline = info.headline?.trim() || info.event;
  const led = ledOf(headline);
  let areas = matchAreas(db, info.area, user.scope);
  if (areas.length === 0 && fallbackAreas.length > 0) areas = fallbackAreas;
  if (areas.length === 0) notes.push(msg('cap.needs-areas'));
  const id = randomUUID();
  const mediaId = 'mediaId' in audio ? audio.mediaId : null;
  const media = mediaId === null ? undefined : getMedia(db, mediaId);
  const ledMs = led.pages.reduce((s, p) => s + p.seconds * 1000, 0);
  db.prepare(
    `INSERT INTO broadcasts(id, title, media_id, led, priority, volume, starts_at, rrule, duration_ms, status, created_by, created_at, replaces)
     VALUES (?, ?, ?, ?, 'emergency', 100, ?, NULL, ?, 'submitted', ?, ?, ?)`,
  ).run(
    id,
    `CAP: ${headline}`.slice(0, 200),
    mediaId,
    JSON.stringify(led),
    now,
    media?.durationMs ?? ledMs,
    user.id,
    now,
    replaces,
  );
  const ins = db.prepare('INSERT INTO broadcast_targets(broadcast_id, area_id, device_id) VALUES (?, ?, NULL)');
  for (const a of areas) ins.run(id, getAreaByPath(db, a)!.id);
  audit(db, user.id, 'broadcast.submit', id, {
    title: headline,
    priority: 'emergency',
    targets: { areas, devices: [] },
    cap: capKey(alert),
    ...(replaces ? { replaces } : {}),
  });
  return id;
}

/**
 * The district confirms an imported alert's draft: with the areas it chose when the alert's matched
 * none (or to change them), its audio ready (or a library recording chosen for an alert that brought
 * none), and reaching a device. It then airs as an emergency.
 */
export function confirmCapDraft(
  db: Db,
  user: User,
  id: string,
  input: { areas?: string[]; mediaId?: number },
  now: number,
  startLeadMs = 5000,
): Broadcast & { superseded?: Broadcast } {
  if (!roleMay(user.role, 'emergency'))
    throw new CapError(msg('auth.role-forbidden', { role: user.role, needs: [...ROLE_RULES.emergency] }), 403);
  return db.transaction(() => {
    const b = getBroadcast(db, id);
    if (!b) throw new BroadcastError(msg('broadcast.not-found', { id }), 404);
    if (!capAlertOf(db, id)) throw new CapError(msg('cap.not-a-draft', { id }), 404);
    if (b.status !== 'submitted') throw new BroadcastError(msg('broadcast.not-submitted', { status: b.status }), 409);
    if (input.areas) {
      for (const a of input.areas) {
        if (!getAreaByPath(db, a)) throw new BroadcastError(msg('broadcast.target-area-not-found', { path: a }));
        if (!withinScope(user.scope, a))
          throw new BroadcastError(msg('broadcast.out-of-scope', { verb: 'approve', path: a, scope: user.scope }), 403);
      }
      db.prepare('DELETE FROM broadcast_targets WHERE broadcast_id = ?').run(id);
      const ins = db.prepare('INSERT INTO broadcast_targets(broadcast_id, area_id, device_id) VALUES (?, ?, NULL)');
      for (const a of input.areas) ins.run(id, getAreaByPath(db, a)!.id);
    }
    if (input.mediaId !== undefined) {
      const m = getMedia(db, input.mediaId);
      if (!m || m.deletedAt) throw new BroadcastError(msg('media.not-found', { id: input.mediaId }));
      if (m.archivedAt) throw new BroadcastError(msg('media.archived', { id: input.mediaId }), 409);
      db.prepare('UPDATE broadcasts SET media_id = ? WHERE id = ?').run(input.mediaId, id);
      b.mediaId = input.mediaId;
    }
    const targets = getBroadcast(db, id)!.targets;
    if (targets.areas.length + targets.devices.length === 0) throw new CapError(msg('cap.needs-areas'), 409);
    if (b.mediaId !== null) {
      const m = getMedia(db, b.mediaId);
      if (m?.status !== 'ready')
        throw new BroadcastError(
          msg('broadcast.media-not-ready', {
            id: b.mediaId,
            status: m?.status ?? 'missing',
            error: m?.error ?? null,
            errorVi: m?.errorVi ?? null,
          }),
          409,
        );
      db.prepare('UPDATE broadcasts SET duration_ms = ? WHERE id = ?').run(m.durationMs, id);
    }
    assertReachesDevices(db, { targets, mediaId: b.mediaId ?? undefined, led: b.led ?? undefined } as BroadcastInput);
    return approveBroadcast(db, user, id, now, startLeadMs, true);
  })();
}
