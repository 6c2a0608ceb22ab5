// Area paths name a place and everything below it ("ha-noi/thanh-xuan" holds
// "ha-noi/thanh-xuan/ha-dinh"): the one test of whether a path lies in a scope, for the hub's
// access rules, the dispatcher's targets and the web UI alike.

/** True if `path` is `scope` itself or lies below it. A null scope covers everything. */
export function withinScope(scope: string | null, path: string): boolean {
  return scope === null || path === scope || path.startsWith(`${scope}/`);
}
