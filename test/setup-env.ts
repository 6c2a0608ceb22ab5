// Runs in every test worker before its tests. Under libfaketime with a start-at date
// (FAKETIME="@…", as `faketime 'DATE' npm test` sets), every new process starts again at that
// date, so a hub or agent a test spawns a minute in would live a minute in the past of the test
// that drives it, and a hub restarted mid-test would jump back in time. Children continue from
// their parent's faked time instead. (No effect without libfaketime.)
process.env.FAKETIME_DONT_RESET ??= '1';
