// The fleet simulator's report as a table: one column per run (embedded broker, Mosquitto), and
// the ratio between them when both ran.
import os from 'node:os';
import type { BroadcastFigures, FleetReport } from './fleet.ts';
import type { Distribution } from './proc-stats.ts';

export function formatReports(rs: FleetReport[]): string {
  const s = (v: number | null | undefined, digits = 1, unit = ' s') =>
    v === null || v === undefined || Number.isNaN(v) ? '—' : `${v.toFixed(digits)}${unit}`;
  const d = (x: Distribution | undefined) => (!x?.n ? '—' : `${x.p50} / ${x.p95} / ${x.p99} / ${x.max} ms`);
  const row = (what: string, f: (r: FleetReport) => string) => [what, ...rs.map(f)];
  const bc = (r: FleetReport, k: 'emergency' | 'bulletin') => r[k] as BroadcastFigures | null;
  // Every online agent's receipt in one place: admitted, rejected (the hub's reason), or still
  // unacknowledged in the agent's outbox after the drain wait; anything else is named too.
  const account = (r: FleetReport, k: 'emergency' | 'bulletin') => {
    const a = bc(r, k)?.receipts;
    if (!a) return '—';
    const rejected = Object.entries(a.rejected);
    const parts = [
      `${a.admitted} admitted`,
      rejected.length
        ? `${rejected.reduce((n, [, v]) => n + v, 0)} rejected (${rejected.map(([why, n]) => `${n} ${why}`).join(', ')})`
        : '0 rejected',
      `${a.unacknowledged} unacknowledged in outboxes`,
      ...(a.notSigned ? [`${a.notSigned} played, no receipt`] : []),
      ...(a.notPlayed ? [`${a.notPlayed} never played`] : []),
      ...(a.ackedNotStored ? [`${a.ackedNotStored} acked, not stored`] : []),
    ];
    return `${parts.join(' / ')} of ${a.online}`;
  };
  const drainRow = (r: FleetReport, k: 'emergency' | 'bulletin') => {
    const a = bc(r, k)?.receipts;
    return a ? `${s(a.drainS)}, ${Number.isNaN(a.leftInOutboxes) ? '—' : a.leftInOutboxes} left` : '—';
  };
  const rows: string[][] = [
    row('what', (r) => r.broker),
    row('worker processes (ulimit -n)', (r) => `${r.workers} (${r.openFileLimit})`),
    row(
      'machine load (1 min) at start / end',
      (r) => `${r.loadAverage.start} / ${r.loadAverage.end} on ${os.cpus().length} cores`,
    ),
    row("agents' data folders", (r) => r.agentsDir),
    row('areas', (r) => `1 province, ${r.areas.districts} districts, ${r.areas.wards} wards`),
    row('register devices via API', (r) => s(r.registerS)),
    row('enrol + online (all)', (r) =>
      r.enrolOnlineS === null ? `— (${r.online}/${r.agents} online)` : s(r.enrolOnlineS),
    ),
    row('emergency API call', (r) => s(bc(r, 'emergency')?.apiMs, 0, ' ms')),
    row('emergency call → all confirmed', (r) => s(bc(r, 'emergency')?.confirmS, 2)),
    row('emergency start after planned p50/p95/p99/max', (r) => d(bc(r, 'emergency')?.startLateMs)),
    row('emergency receipt delay p50/p95/p99/max', (r) => d(bc(r, 'emergency')?.receiptDelayMs)),
    row('emergency played / admitted', (r) =>
      bc(r, 'emergency') ? `${bc(r, 'emergency')!.played} / ${bc(r, 'emergency')!.admitted}` : '—',
    ),
    row('emergency receipts', (r) => account(r, 'emergency')),
    row('emergency outbox drain wait', (r) => drainRow(r, 'emergency')),
    row('bulletin approve API call', (r) => s(bc(r, 'bulletin')?.apiMs, 0, ' ms')),
    row('bulletin start after planned p50/p95/p99/max', (r) => d(bc(r, 'bulletin')?.startLateMs)),
    row('bulletin receipt delay p50/p95/p99/max', (r) => d(bc(r, 'bulletin')?.receiptDelayMs)),
    row('bulletin played / admitted', (r) =>
      bc(r, 'bulletin') ? `${bc(r, 'bulletin')!.played} / ${bc(r, 'bulletin')!.admitted}` : '—',
    ),
    row('bulletin receipts', (r) => account(r, 'bulletin')),
    row('bulletin outbox drain wait', (r) => drainRow(r, 'bulletin')),
    row('hub CPU total', (r) => s(r.hub.cpuS)),
    row('hub CPU by phase', (r) =>
      Object.entries(r.hub.cpuByPhase)
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
    ),
    row('hub peak RSS', (r) => s(r.hub.peakRssMb, 0, ' MB')),
    row('Mosquitto CPU / peak RSS', (r) =>
      r.mosquitto ? `${s(r.mosquitto.cpuS)} / ${s(r.mosquitto.peakRssMb, 0, ' MB')}` : '—',
    ),
    row('hub health p50/p95/p99/max', (r) => d(r.healthMs)),
    row('simulator CPU (all processes)', (r) => s(r.simulator.cpuS)),
    row('simulator CPU per agent (whole run)', (r) => s(r.simulator.cpuMsPerAgent, 1, ' ms')),
    row('simulator CPU per agent once online', (r) => s(r.simulator.onlineCpuPctPerAgent, 4, ' % of a core')),
    row(
      'simulator peak RSS (per agent)',
      (r) => `${s(r.simulator.peakRssMb, 0, ' MB')} (${s(r.simulator.peakRssMbPerAgent, 2, ' MB')})`,
    ),
    row(
      'simulator event-loop delay p99 / max, enrolling',
      (r) => `${s(r.simulator.loopDelayMs.enrol.p99, 0, ' ms')} / ${s(r.simulator.loopDelayMs.enrol.max, 0, ' ms')}`,
    ),
    row(
      'simulator event-loop delay p99 / max, broadcasts',
      (r) =>
        `${s(r.simulator.loopDelayMs.broadcasts.p99, 0, ' ms')} / ${s(r.simulator.loopDelayMs.broadcasts.max, 0, ' ms')}`,
    ),
    row('simulator open files per agent', (r) => s(r.simulator.openFilesPerAgent, 1, '')),
    row('hub counters (/metrics) at the end', (r) =>
      !r.hubCounters
        ? '—'
        : Object.entries(r.hubCounters)
            .filter(([k, v]) => v > 0 && !k.startsWith('wardcast_receipts_total'))
            .map(([k, v]) => `${k.replace(/^wardcast_/, '')} ${v}`)
            .join(', ') || 'no receipt rejected, duplicated or rate-limited',
    ),
    row('failures', (r) => String(r.failures.length)),
  ];
  if (rs.length === 2) {
    const ratio = (a: number | null | undefined, b: number | null | undefined) => (a && b ? (a / b).toFixed(2) : '—');
    rows.push([
      'ratio embedded / Mosquitto',
      `enrol+online ${ratio(rs[0].enrolOnlineS, rs[1].enrolOnlineS)}`,
      `emergency p99 ${ratio(rs[0].emergency?.startLateMs.p99, rs[1].emergency?.startLateMs.p99)}`,
    ]);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  const lines = rows.map((r) =>
    r
      .map((cell, c) => (cell ?? '').padEnd(widths[c]))
      .join('  ')
      .trimEnd(),
  );
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  const failures = rs.flatMap((r) => r.failures.map((f) => `  ${r.broker}: ${f}`));
  return `\nfleet of ${rs[0].agents} simulated LED agents (real edge-agent code, in-memory boards)\n\n${lines.join('\n')}${failures.length ? `\n\nfailures:\n${failures.join('\n')}` : ''}\n`;
}
