// The ingest benchmark's worker (hub/ingest/ingest-worker.ts otherwise): the same loop, with each
// receipt's signature check answered from what the real check said (workerData.verdicts), so the
// hub's path can be timed without verify, which issue 10 item 4 reports apart.
import { workerData } from 'node:worker_threads';
import { serveChecks } from '../../hub/ingest/receipt-check.ts';

const verdicts = (workerData as { verdicts: Map<string, boolean> }).verdicts;
serveChecks((_key, r) => verdicts.get(r.id) === true);
