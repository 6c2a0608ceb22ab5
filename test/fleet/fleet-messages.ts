// What the fleet simulator's driver and its worker processes say to each other over the IPC channel.

export interface AgentAssignment {
  id: string;
  dir: string;
  enrolToken: string;
}

export type ToWorker =
  | {
      type: 'start';
      hubUrl: string;
      mqttUrl: string;
      agents: AgentAssignment[];
      /** enrolments this worker runs at once */
      concurrency: number;
      telemetryIntervalMs?: number;
    }
  | { type: 'report' }
  /** the enrolment phase is over: start no more agents (those enrolling finish) */
  | { type: 'halt' }
  /** a phase boundary: answer with the event-loop delay since the last mark, and start again */
  | { type: 'mark' }
  /** what is still in the agents' receipt outboxes (sent or not, not yet acknowledged) */
  | { type: 'outbox' }
  | { type: 'stop' };

/** One agent as its worker saw it; times are this machine's wall clock (ms), as the hub's are. */
export interface AgentRecord {
  id: string;
  /** when startAgent was called / returned (enrolled, store open, session started) / first connected */
  startedAt: number;
  enrolledAt: number | null;
  connectedAt: number | null;
  error: string | null;
  /** per broadcast: when the output actually started, and the receipt the agent signed */
  plays: Record<
    string,
    {
      startedAt: number;
      receiptQueuedAt?: number;
      scheduledStart?: number;
      actualEnd?: number | null;
      result?: string;
      ackedAt?: number;
    }
  >;
}

export interface WorkerProgress {
  type: 'progress';
  worker: number;
  enrolled: number;
  connected: number;
  failed: number;
}

export interface WorkerReport {
  type: 'report';
  worker: number;
  agents: AgentRecord[];
  cpuS: number;
  peakRssMb: number;
  rssMb: number;
  openFiles: number;
  /** the worker's event-loop delay since the last mark: if this grows, the simulator (not the hub) is late */
  loopDelayMs: { p50: number; p99: number; max: number };
}

export interface WorkerMarked {
  type: 'marked';
  worker: number;
  loopDelayMs: { p50: number; p99: number; max: number };
}

/** The receipts this worker's agents still hold: signed, in the outbox, not acknowledged by the hub. */
export interface WorkerOutbox {
  type: 'outbox';
  worker: number;
  /** receipts in the agents' on-disk outboxes (AgentStatus.outboxSize), all broadcasts */
  receipts: number;
  /** per broadcast: agents whose receipt was signed and is not yet acknowledged */
  unacked: Record<string, number>;
  /** per broadcast: agents that started playing it and have not signed a receipt yet */
  unsigned: Record<string, number>;
}

export type FromWorker =
  | WorkerProgress
  | WorkerReport
  | WorkerMarked
  | WorkerOutbox
  | { type: 'stopped'; worker: number }
  | { type: 'fatal'; worker: number; error: string };
