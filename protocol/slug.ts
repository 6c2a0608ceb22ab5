// Device ids and area paths: the only variable parts of a topic. Kept apart from topics.ts so the
// schemas can use them and the topic table can use the schemas without an import cycle.

/** Device ids and area path segments are lowercase slugs, so they are safe as topic levels. */
export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

export function assertSlug(value: string, what: string): string {
  if (!SLUG_PATTERN.test(value)) {
    throw new Error(
      `${what} "${value}" is not a valid slug (lowercase letters, digits and inner hyphens, 1-64 characters)`,
    );
  }
  return value;
}

/** The most levels an area path may have (province → district → ward → neighbourhood → …). */
export const MAX_AREA_DEPTH = 8;

/** An area path is slugs joined by "/", root first: "ha-noi/thanh-xuan/ha-dinh". */
export function assertAreaPath(path: string): string {
  const parts = path.split('/');
  if (parts.length === 0 || parts.length > MAX_AREA_DEPTH)
    throw new Error(`area path "${path}" must have 1-${MAX_AREA_DEPTH} levels`);
  for (const p of parts) assertSlug(p, `area path segment in "${path}"`);
  return path;
}
