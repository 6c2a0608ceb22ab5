// The confirmation grace a report uses when its caller does not pass the hub's configured one
// (hub/config.ts confirmationGraceMs, whose default this is).
export const DEFAULT_CONFIRMATION_GRACE_MS = 120_000;
