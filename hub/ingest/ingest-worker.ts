// The ingest's worker thread (ingest-pool.ts starts it): receipts' parse, validation and signature
// check, and the acks' signatures, off the hub's event loop.
import { serveChecks } from './receipt-check.ts';

serveChecks();
