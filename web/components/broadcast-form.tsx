// A new or edited broadcast: content (audio and/or LED message), priority, volume, where, and a
// friendly "when" that becomes startsAt or an rrule. While the user types, the hub checks the draft
// for clashes with other broadcasts on the same devices and for quiet hours, before anything is
// saved; a clash with a higher level's bulletin of the same priority asks the official to decide.
// The parts live in broadcast-form/: one hook or component for each of these.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { AppCtx } from '../app.tsx';
import type { Broadcast } from '../../hub/api-contract/broadcasts.ts';
import { ApiError, api, post } from '../lib/api.ts';
import { tx } from '../lib/i18n.ts';
import type { DeviceRecord } from '../lib/led-boards.ts';
import type { LedPageInput } from '../lib/led-layout.ts';
import { useResource } from '../lib/hooks.ts';
import { AudioChoice, AudioKind } from './broadcast-form/audio-choice.tsx';
import { CampaignChoice, useCampaigns } from './broadcast-form/campaign-choice.tsx';
import { CheckResult } from './broadcast-form/check-result.tsx';
import { formStops } from './broadcast-form/form-stops.ts';
import { LedFields } from './broadcast-form/led-fields.tsx';
import { RelayFields } from './broadcast-form/relay-fields.tsx';
import { useRelay } from './broadcast-form/use-relay.ts';
import { PriorityVolume, type FormPriority } from './broadcast-form/priority-volume.tsx';
import { useClashCheck } from './broadcast-form/use-clash-check.ts';
import { useLedMessage } from './broadcast-form/use-led-message.ts';
import { useMediaChoice } from './broadcast-form/use-media-choice.ts';
import { useTargets } from './broadcast-form/use-targets.ts';
import { useWhen } from './broadcast-form/use-when.ts';
import { WhenFieldset } from './broadcast-form/when-fieldset.tsx';
import { WhereFieldset } from './broadcast-form/where-fieldset.tsx';
import { clashesToDecide } from './clash-choices.tsx';
import { ledForApi } from './led-composer.tsx';
import { TypedBulletin } from './typed-bulletin.tsx';

type Seed = { mediaId?: number | null; led?: { pages: LedPageInput[] } | null; title?: string; date?: string };

/** `editing`: a stored broadcast (as GET /api/v1/broadcasts/:id gives it) to change instead of a new one. */
export function BroadcastForm({
  ctx,
  seed,
  editing,
  onSaved,
  onCancel,
}: {
  ctx: AppCtx;
  seed?: Seed | null;
  editing?: Broadcast;
  onSaved: (b: Broadcast & { decisionError: string }) => void;
  onCancel: () => void;
}) {
  const { me, areas } = ctx;
  const start: Seed = editing ?? seed ?? {};
  const [title, setTitle] = useState(start.title ?? '');
  const audio = useMediaChoice(editing?.relay ? null : start.mediaId);
  const relay = useRelay(editing?.relay);
  const led = useLedMessage(start.led);
  const [priority, setPriority] = useState<FormPriority>(editing?.priority === 'priority' ? 'priority' : 'normal');
  const [volume, setVolume] = useState<number>(editing?.volume ?? 70);
  const targets = useTargets(me, areas, editing);
  const schedule = useWhen(editing, editing ? undefined : seed?.date);
  const { when } = schedule;
  // A typed bulletin (TypedBulletin): edited text not yet read again stops the form.
  const [ttsStop, setTtsStop] = useState<string | null>(null);
  const { formRef, titleRef } = useOpenAtTop();
  const campaigns = useCampaigns(editing?.campaigns);

  const where = { areas: targets.targets, devices: targets.targetDevices };
  const ledBody = led.useLed ? ledForApi(led.pages) : undefined;
  const body = when.ok
    ? {
        title: title.trim() || '…',
        ...(relay.body ? { relay: relay.body } : audio.mediaId !== '' ? { mediaId: audio.mediaId } : {}),
        ...(ledBody ? { led: ledBody } : {}),
        priority,
        volume,
        targets: where,
        ...(when.startsAt ? { startsAt: when.startsAt } : when.lunar ? { lunar: when.lunar } : { rrule: when.rrule }),
        ...(editing || campaigns.chosen.length ? { campaigns: campaigns.chosen } : {}),
      }
    : null;
  const ready =
    !!body &&
    where.areas.length + where.devices.length > 0 &&
    (relay.on ? relay.filled : audio.mediaId !== '' || !!ledBody) &&
    !(led.useLed && !ledBody);
  const fleet = useResource<DeviceRecord[]>('/api/v1/devices', [], ['device']);
  const stops = formStops({ led, ledBody, audio: relay.on || audio.mediaId !== '', where, fleet: fleet.data, ttsStop });
  const clash = useClashCheck(body, ready, editing?.id);

  // The official decides clashes with a higher level's bulletin of the same priority.
  const decisions = clashesToDecide(clash.check?.conflicts);
  const quiet = clash.check?.quietHours ?? [];
  const blocked = quiet.length > 0 || (decisions.length > 0 && !clash.decision) || stops.length > 0;
  const refusal = () => {
    if (!title.trim()) return tx('Nhập tiêu đề bản tin.', 'Give the bulletin a title.');
    if (!when.ok) return tx(when.error.vi, when.error.en);
    if (stops.length) return stops[0];
    if (relay.on && !relay.filled)
      return tx(
        'Nhập địa chỉ luồng tiếp âm và độ dài hoặc giờ kết thúc.',
        "Give the relay's stream address and its length or end time.",
      );
    if (!ready)
      return tx(
        'Chọn âm thanh hoặc viết thông điệp LED, và chọn nơi phát.',
        'Choose audio or write an LED message, and choose where.',
      );
  };
  const { saving, error, errorCode, submit } = useSubmit(refusal, async () => {
    const payload = { ...body, title: title.trim() };
    const b = editing
      ? await api<Broadcast>('PUT', `/api/v1/broadcasts/${editing.id}`, payload)
      : await post<Broadcast>('/api/v1/broadcasts', payload);
    let decisionError = '';
    if (decisions.length && clash.decision) {
      try {
        await post(`/api/v1/broadcasts/${b.id}/decision`, {
          decision: clash.decision,
          conflictsWith: [...new Set(decisions.map((c) => c.broadcastId))],
        });
      } catch (err) {
        decisionError = err instanceof ApiError ? err.message : String(err);
      }
    }
    onSaved({ ...b, decisionError });
  });
  // The hub's word on the relay's address or length (codes relay.*), from the draft check or the save.
  const relayError = !relay.on
    ? ''
    : clash.checkCode?.startsWith('relay.')
      ? clash.checkErr
      : errorCode?.startsWith('relay.')
        ? error
        : '';

  return (
    <form class="card form" onSubmit={submit} data-testid="broadcast-form" ref={formRef}>
      <h2>
        {editing ? tx(`Sửa «${editing.title}»`, `Edit «${editing.title}»`) : tx('Lịch phát thanh mới', 'New broadcast')}
      </h2>
      {editing?.status === 'approved' && (
        <p class="alert info" data-testid="edit-approved-note">
          {tx(
            'Lịch này đã được phê duyệt và vẫn phát như cũ cho đến khi lãnh đạo duyệt bản sửa; khi đó bản sửa thay thế bản cũ.',
            'This broadcast is approved and keeps airing as it is until a leader approves the edit, which then replaces it.',
          )}
        </p>
      )}
      {editing?.status === 'rejected' && editing.decisionNote && (
        <p class="alert warn">
          {tx('Lý do bị từ chối', 'Rejected because')}: {editing.decisionNote}
        </p>
      )}
      <label>
        {tx('Tiêu đề', 'Title')}
        <input
          ref={titleRef}
          value={title}
          name="title"
          onInput={(e) => setTitle((e.target as HTMLInputElement).value)}
          required
          maxLength={200}
        />
      </label>
      <AudioKind relay={relay.on} onRelay={relay.setOn} />
      {relay.on ? (
        <RelayFields relay={relay} media={audio.media} error={relayError} />
      ) : (
        <>
          <AudioChoice mediaId={audio.mediaId} media={audio.media} onChange={audio.setMediaId} />
          <TypedBulletin
            mediaId={audio.mediaId}
            onMedia={audio.setMediaId}
            onLedText={led.fromText.setText}
            onStop={setTtsStop}
          />
        </>
      )}
      <LedFields led={led} where={where} fleet={fleet.data} areas={areas} />

      <PriorityVolume priority={priority} onPriority={setPriority} volume={volume} onVolume={setVolume} />

      <WhereFieldset where={targets} areas={areas} />

      <CampaignChoice state={campaigns} paths={wherePaths(where, fleet.data)} />

      <WhenFieldset state={schedule} />

      <CheckResult
        check={clash.check}
        checkErr={relayError && clash.checkErr === relayError ? '' : clash.checkErr}
        decisions={decisions}
        decision={clash.decision}
        onDecision={clash.setDecision}
      />

      {stops.length > 0 && (
        <div class="alert error" data-testid="form-blocked">
          <strong>{tx('Chưa gửi được', 'Cannot submit yet')}</strong>
          {stops.map((x) => (
            <p data-testid="form-blocked-reason">{x}</p>
          ))}
        </div>
      )}
      {error && error !== relayError && (
        <p class="error" role="alert" data-testid="form-error">
          {error}
        </p>
      )}
      <div class="row">
        <button type="submit" class="primary" disabled={saving || blocked} data-testid="submit">
          {editing
            ? tx('Lưu thay đổi và gửi duyệt lại', 'Save changes and resubmit')
            : me.role === 'operator'
              ? tx('Gửi duyệt', 'Submit for approval')
              : tx('Lưu và gửi duyệt', 'Save and submit')}
        </button>
        <button type="button" onClick={onCancel}>
          {tx('Hủy', 'Cancel')}
        </button>
      </div>
    </form>
  );
}

/** The areas a bulletin plays in: its target areas and its devices' areas. */
const wherePaths = (where: { areas: string[]; devices: string[] }, fleet: DeviceRecord[] | null) => [
  ...where.areas,
  ...where.devices.flatMap((id) => fleet?.find((d) => d.id === id)?.areaPath ?? []),
];

/**
 * The form opens at its top with the title ready to type, wherever the page was scrolled (coming
 * from the library's LED composer at the bottom of its page, or from a long schedule).
 */
function useOpenAtTop() {
  const formRef = useRef<HTMLFormElement>(null);
  const titleRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    const f = formRef.current;
    if (!f) return;
    scrollTo({ top: Math.max(0, f.getBoundingClientRect().top + scrollY - 8), behavior: 'instant' as ScrollBehavior });
    titleRef.current?.focus({ preventScroll: true });
  }, []);
  return { formRef, titleRef };
}

/**
 * Submitting: `refusal` names what stops the form (shown as its error, nothing sent); otherwise
 * `save` runs, and an error the hub answers with is shown the same way.
 */
function useSubmit(refusal: () => string | undefined, save: () => Promise<void>) {
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState('');
  const [errorCode, setErrorCode] = useState<string | undefined>();
  const submit = async (e: Event) => {
    e.preventDefault();
    setError('');
    setErrorCode(undefined);
    const refused = refusal();
    if (refused) return setError(refused);
    setSaving(true);
    try {
      await save();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
      setErrorCode(err instanceof ApiError ? err.code : undefined);
    } finally {
      setSaving(false);
    }
  };
  return { saving, error, errorCode, submit };
}
