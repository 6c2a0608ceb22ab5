// Every device on a map drawn here (no tile service: positions projected from latitude and
// longitude, with labels and a scale bar, over the ward outlines) and in a list with health from
// telemetry, live.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { errorMessage, onLive, post } from '../lib/api.ts';
import { useResource, useTick } from '../lib/hooks.ts';
import { fmtNumber } from '../lib/format.ts';
import { clockText } from '../lib/plain-words.ts';
import { lang, tx } from '../lib/i18n.ts';
import { fmtAgo, fmtDateTime } from '../lib/time.ts';
import { projectPoints, scaleBar } from '../lib/projection.ts';
import {
  extentPoints,
  isApproximate,
  pathData,
  placeLabel,
  planOutlines,
  projectGeometry,
  shortAreaName,
  textWidth,
  type Box,
  type OutlineFeature,
} from '../lib/outlines.ts';
import type { AppCtx } from '../app.tsx';
import type { Device } from '../../hub/api-contract/devices.ts';
import type { Telemetry } from '../../protocol/schemas.ts';

const NO_OUTLINES: OutlineFeature[] = [];

export function FleetPage({ ctx }: { ctx: AppCtx }) {
  const devices = useResource<Device[]>('/api/v1/devices', [], ['device']);
  // Outlines are optional: without any (or from an older hub) the map is drawn as before.
  const boundaries = useResource<{ features: OutlineFeature[] }>('/api/v1/areas/boundaries');
  const [selected, setSelected] = useState<string | null>(null);
  useTick(10_000);
  // Telemetry updates the row in place, without a reload.
  useEffect(
    () =>
      onLive((e) => {
        if (e.kind !== 'telemetry') return;
        const d = e.data;
        devices.setData(
          (list) =>
            list?.map((x) =>
              x.id === d.deviceId ? { ...x, telemetry: d, lastSeen: new Date(d.at).toISOString() } : x,
            ) ?? list,
        );
      }),
    [],
  );
  const list = devices.data ?? [];
  const online = list.filter((d) => d.online).length;
  const areaName = (p: string) => ctx.areas.find((a) => a.path === p)?.name ?? p;
  const manage = ctx.me.role === 'admin' || ctx.me.role === 'district';
  return (
    <div class="stack">
      <section class="card">
        <h2>
          {tx('Thiết bị', 'Devices')}{' '}
          <span class="muted small" data-testid="online-count">
            {online}/{list.length} {tx('trực tuyến', 'online')}
          </span>
        </h2>
        <FleetMap
          devices={list}
          outlines={boundaries.data?.features ?? NO_OUTLINES}
          scope={ctx.me.scope}
          selected={selected}
          onSelect={setSelected}
        />
      </section>
      <section class="card">
        <div class="table-wrap">
          <table class="fleet">
            <thead>
              <tr>
                <th>{tx('Thiết bị', 'Device')}</th>
                <th>{tx('Khu vực', 'Area')}</th>
                <th>{tx('Trạng thái', 'State')}</th>
                <th>{tx('Lần cuối', 'Last seen')}</th>
                <th>{tx('Tình trạng phần cứng', 'Hardware health')}</th>
                <th>{tx('Đang phát', 'Playing now')}</th>
                {manage && <th>{tx('Thao tác', 'Actions')}</th>}
              </tr>
            </thead>
            <tbody>
              {list.map((d) => (
                <tr
                  data-testid="device-row"
                  data-device={d.id}
                  data-online={d.online ? 'yes' : 'no'}
                  class={selected === d.id ? 'selected' : ''}
                  onClick={() => setSelected(d.id)}
                >
                  <td>
                    <strong>{d.name}</strong>
                    <div class="muted small">
                      {d.kind === 'led' ? tx('Bảng LED', 'LED board') : tx('Cụm loa', 'Speaker cluster')} · {d.id}
                    </div>
                  </td>
                  <td>{areaName(d.areaPath)}</td>
                  <td class={d.online ? 'online' : 'offline'} data-testid="device-state">
                    {d.online
                      ? tx('Trực tuyến', 'Online')
                      : d.enrolled
                        ? tx('Ngoại tuyến', 'Offline')
                        : d.revokedAt
                          ? tx('Đã thu hồi', 'Revoked')
                          : tx('Chưa đăng ký', 'Not enrolled')}
                  </td>
                  <td title={fmtDateTime(d.lastSeen, lang(), true)}>{fmtAgo(d.lastSeen, Date.now(), lang())}</td>
                  <td data-testid="health">
                    <Health t={d.telemetry} />
                  </td>
                  <td data-testid="now-playing">{d.telemetry?.nowPlaying ?? '—'}</td>
                  {manage && (
                    // biome-ignore lint/a11y/useKeyWithClickEvents: only keeps the actions' clicks (pointer or keyboard) from also selecting the row; the cell is no control
                    <td onClick={(e) => e.stopPropagation()}>
                      <DeviceActions d={d} onDone={() => devices.reload()} />
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </div>
  );
}

/**
 * Revoking takes effect at once (the live connection is closed, the credentials refused): each
 * action asks first. A new enrolment token revokes too, and is shown once for the installer.
 */
function DeviceActions({ d, onDone }: { d: Device; onDone: () => void }) {
  const [note, setNote] = useState<string | null>(null);
  const act = async (suffix: string, question: string) => {
    if (!window.confirm(question)) return;
    try {
      const r = await post<{ enrolToken?: string }>(`/api/v1/devices/${encodeURIComponent(d.id)}/${suffix}`);
      setNote(
        r.enrolToken
          ? `${tx('Mã đăng ký mới (chỉ hiện một lần)', 'New enrolment token (shown once)')}: ${r.enrolToken}`
          : tx('Đã thực hiện', 'Done'),
      );
      onDone();
    } catch (e) {
      setNote(e instanceof Error ? e.message : errorMessage(null, 0));
    }
  };
  return (
    <div class="actions" data-testid="device-actions">
      {d.enrolled && (
        <button
          type="button"
          class="danger small"
          data-testid="revoke"
          onClick={() =>
            act(
              'revoke',
              tx(
                `Thu hồi quyền truy cập của "${d.name}"? Thiết bị bị ngắt kết nối ngay và không nhận lệnh nữa; lịch sử được giữ lại.`,
                `Revoke "${d.name}"? It is disconnected at once and gets no more commands; its history stays.`,
              ),
            )
          }
        >
          {tx('Thu hồi', 'Revoke')}
        </button>
      )}
      <button
        type="button"
        class="small"
        data-testid="reenrol"
        onClick={() =>
          act(
            'enrol-token',
            tx(
              `Cấp mã đăng ký mới cho "${d.name}" (thay bo mạch)? Thông tin đăng nhập cũ bị thu hồi ngay.`,
              `New enrolment token for "${d.name}" (replaced board)? The old credentials are revoked at once.`,
            ),
          )
        }
      >
        {tx('Mã đăng ký mới', 'New token')}
      </button>
      <button
        type="button"
        class="danger small"
        data-testid="decommission"
        onClick={() =>
          act(
            'decommission',
            tx(
              `Ngừng sử dụng "${d.name}" vĩnh viễn? Thiết bị bị thu hồi và rời khỏi danh sách; báo cáo vẫn giữ lịch sử.`,
              `Decommission "${d.name}" for good? It is revoked and leaves the fleet; reports keep its history.`,
            ),
          )
        }
      >
        {tx('Ngừng sử dụng', 'Decommission')}
      </button>
      {note && (
        <div class="muted small" data-testid="action-note">
          {note}
        </div>
      )}
    </div>
  );
}

function Health({ t }: { t: Telemetry | null }) {
  if (!t) return <span class="muted">—</span>;
  const parts = [];
  if (t.amplifier) {
    const a = t.amplifier;
    const bad = a.faults.length > 0;
    parts.push(
      <div class={bad ? 'error' : ''}>
        {tx('Âm ly', 'Amplifier')}: {a.powered ? tx('bật', 'on') : tx('tắt', 'off')}, {fmtNumber(a.currentMa)} mA,{' '}
        {fmtNumber(a.temperatureC)} °C
        {bad ? ` · ${tx('lỗi', 'faults')}: ${a.faults.join(', ')}` : ` · ${tx('bình thường', 'OK')}`}
      </div>,
    );
  }
  if (t.led)
    parts.push(
      <div>
        {tx('Bảng LED', 'Board')}: {tx('độ sáng', 'brightness')} {t.led.brightness}
        {t.led.text ? ` · «${t.led.text.slice(0, 40)}»` : ''}
      </div>,
    );
  const rejected = Object.values(t.rejected ?? {}).reduce((s, v) => s + v, 0);
  if (rejected)
    parts.push(
      <div class="warn">
        {tx(`Đã chặn ${fmtNumber(rejected)} lệnh không hợp lệ`, `${fmtNumber(rejected)} invalid commands refused`)}
      </div>,
    );
  if (typeof t.clockOffsetMs === 'number')
    parts.push(
      <div
        class="muted small"
        data-testid="clock-sync"
        title={`offset ${Math.round(t.clockOffsetMs)} ms${typeof t.clockDelayMs === 'number' ? ` ± ${Math.round(t.clockDelayMs / 2)} ms` : ''}`}
      >
        {clockText(t.clockOffsetMs, t.clockDelayMs)}
      </div>,
    );
  if (t.outboxSize)
    parts.push(
      <div class="muted small">
        {tx(`${fmtNumber(t.outboxSize)} xác nhận chờ gửi`, `${fmtNumber(t.outboxSize)} receipts queued`)}
      </div>,
    );
  return <>{parts.length ? parts : <span class="muted">{tx('bình thường', 'OK')}</span>}</>;
}

function FleetMap({
  devices,
  outlines,
  scope,
  selected,
  onSelect,
}: {
  devices: Device[];
  outlines: OutlineFeature[];
  scope: string | null;
  selected: string | null;
  onSelect: (id: string) => void;
}) {
  const W = 640;
  const H = 360;
  const placed = devices.filter(
    (d): d is Device & { latitude: number; longitude: number } =>
      typeof d.latitude === 'number' && typeof d.longitude === 'number',
  );
  const where = placed.map((d) => `${d.id}:${d.latitude},${d.longitude}:${d.name}`).join('|');
  // Projected once per change of positions or outlines, not on every telemetry tick.
  const { proj, shapes } = useMemo(() => {
    const extent = extentPoints(outlines.map((f) => f.geometry));
    const proj = projectPoints(placed, { width: W, height: H, margin: outlines.length ? 24 : 50 }, 1500, extent);
    // Ward names keep clear of the pins and their names (12 px text, see styles.css).
    const taken: Box[] = proj.points.map((p) => ({
      x0: p.x - 9,
      y0: p.y - 9,
      x1: p.x + 12 + textWidth(placed.find((d) => d.id === p.id)!.name, 12),
      y1: p.y + 9,
    }));
    const shapes = planOutlines(outlines, scope).map((plan) => {
      const polys = projectGeometry(plan.feature.geometry, proj.project);
      const name = shortAreaName(plan.feature.properties.name);
      let label: { x: number; y: number; name: string } | null = null;
      if (plan.labelled) {
        const at = placeLabel(polys, textWidth(name, 11) + 4, 13, taken);
        taken.push(at.box);
        label = { x: at.x, y: at.y, name };
      }
      return { ...plan, d: pathData(polys), label };
    });
    return { proj, shapes };
  }, [where, outlines, scope]);
  const bar = scaleBar(proj.metresPerPx, 100);
  const byId = new Map(placed.map((d) => [d.id, d]));
  const approximate = outlines.some((f) => isApproximate(f.properties.source));
  return (
    <svg
      viewBox={`0 0 ${W} ${H}`}
      class="map"
      data-testid="map"
      role="img"
      aria-label={tx('Bản đồ thiết bị', 'Device map')}
    >
      <rect width={W} height={H} fill="#eef3f0" />
      {/* a light grid every scale-bar length */}
      {Array.from({ length: Math.ceil(W / bar.px) + 1 }, (_, i) => (
        <line x1={i * bar.px} y1={0} x2={i * bar.px} y2={H} stroke="#dde6e0" />
      ))}
      {Array.from({ length: Math.ceil(H / bar.px) + 1 }, (_, i) => (
        <line x1={0} y1={i * bar.px} x2={W} y2={i * bar.px} stroke="#dde6e0" />
      ))}
      {/* ward outlines under the devices; the user's own ward stands out */}
      {shapes.map(({ feature: { properties: a }, d, highlighted, labelled }) => (
        <path
          d={d}
          fill-rule="evenodd"
          fill={highlighted && labelled ? '#fff3c4' : '#ffffff'}
          fill-opacity={highlighted && labelled ? 0.75 : labelled ? 0.45 : 0.2}
          stroke={highlighted ? '#b7791f' : labelled ? '#8aa197' : '#5f7a6d'}
          stroke-width={highlighted ? 2.5 : labelled ? 1 : 2}
          stroke-linejoin="round"
          data-testid="ward-outline"
          data-area={a.path}
          data-level={a.level}
          data-highlighted={highlighted ? 'yes' : 'no'}
        >
          <title>{`${a.name} — ${tx('nguồn ranh giới', 'outline source')}: ${a.source ?? '—'}`}</title>
        </path>
      ))}
      {shapes.map(({ feature: { properties: a }, label, highlighted }) =>
        label ? (
          <text
            x={label.x.toFixed(1)}
            y={label.y.toFixed(1)}
            text-anchor="middle"
            dominant-baseline="central"
            font-size="11"
            font-weight={highlighted ? 700 : 400}
            fill="#4d6358"
            stroke="#f4f7f5"
            stroke-width="3"
            paint-order="stroke"
            pointer-events="none"
            data-testid="ward-label"
            data-area={a.path}
          >
            {label.name}
          </text>
        ) : null,
      )}
      {proj.points.map((p) => {
        const d = byId.get(p.id)!;
        const playing = !!d.telemetry?.nowPlaying;
        return (
          // biome-ignore lint/a11y/noStaticElementInteractions: a pin is a pointer shortcut inside the map picture (role=img); the table lists the same devices
          <g
            class={`pin ${d.online ? 'on' : 'off'} ${selected === d.id ? 'sel' : ''}`}
            data-testid="map-pin"
            data-device={d.id}
            data-online={d.online ? 'yes' : 'no'}
            onClick={() => onSelect(d.id)}
            transform={`translate(${p.x.toFixed(1)},${p.y.toFixed(1)})`}
          >
            {playing && <circle r="14" class="ring" />}
            {d.kind === 'led' ? <rect x="-7" y="-5" width="14" height="10" rx="2" /> : <circle r="7" />}
            <text x="10" y="4">
              {d.name}
            </text>
          </g>
        );
      })}
      <g transform={`translate(16,${H - 20})`} data-testid="scale">
        <line x1="0" y1="0" x2={bar.px} y2="0" stroke="#333" stroke-width="3" />
        <line x1="0" y1="-5" x2="0" y2="5" stroke="#333" />
        <line x1={bar.px} y1="-5" x2={bar.px} y2="5" stroke="#333" />
        <text x={bar.px + 6} y="4" class="scale-label">
          {bar.label}
        </text>
      </g>
      <text x={W - 16} y="22" text-anchor="end" class="north">
        ↑ {tx('Bắc', 'N')}
      </text>
      {approximate && (
        <text
          x="16"
          y="22"
          class="muted-svg"
          stroke="#eef3f0"
          stroke-width="3"
          paint-order="stroke"
          data-testid="outlines-approximate"
        >
          {tx('Ranh giới phường: gần đúng, chưa phải bản đồ chính thức', 'Ward outlines: approximate, not official')}
        </text>
      )}
      {devices.length > placed.length && (
        <text x={W - 16} y={H - 14} text-anchor="end" class="muted-svg">
          {tx(
            `${devices.length - placed.length} thiết bị chưa có tọa độ`,
            `${devices.length - placed.length} without coordinates`,
          )}
        </text>
      )}
    </svg>
  );
}
