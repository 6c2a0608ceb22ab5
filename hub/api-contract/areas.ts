// Areas: the tree, quiet hours and the outlines on the map.
import { z } from 'zod';

export const Area = z.object({
  id: z.number().int(),
  parentId: z.number().int().nullable(),
  path: z.string(),
  name: z.string(),
  level: z.string(),
  code: z.string().nullable().describe('administrative code (mã đơn vị hành chính), matched against CAP geocodes'),
});
export type Area = z.infer<typeof Area>;
export const AreaList = z.array(Area);

export const NewAreaBody = z.object({
  parentPath: z.string().nullable().optional(),
  slug: z.string(),
  name: z.string().min(1).max(200),
  level: z.string().min(1).max(40),
  code: z
    .string()
    .max(5)
    .nullable()
    .optional()
    .describe('administrative code: 2 digits (province), 3 (district) or 5 (ward, commune)'),
});
export const AreaCodeBody = z.object({
  path: z.string().min(1),
  code: z.string().max(5).nullable().describe('null or empty clears it'),
});

const Position = z.tuple([z.number(), z.number()]);
export const BoundaryGeometry = z.discriminatedUnion('type', [
  z.object({ type: z.literal('Polygon'), coordinates: z.array(z.array(Position)) }),
  z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(z.array(Position))) }),
]);
export const BoundaryFeature = z.object({
  type: z.literal('Feature'),
  id: z.string(),
  properties: z.object({ path: z.string(), name: z.string(), level: z.string(), source: z.string().nullable() }),
  geometry: BoundaryGeometry,
});
export type BoundaryFeature = z.infer<typeof BoundaryFeature>;
export const BoundaryCollection = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(BoundaryFeature),
});
export type BoundaryCollection = z.infer<typeof BoundaryCollection>;

export const BoundarySet = z.object({ path: z.string(), positions: z.number().int(), source: z.string().nullable() });

export const BoundaryImport = z.object({
  dryRun: z.boolean(),
  stored: z.number().int(),
  matched: z.array(
    z.object({ feature: z.number().int(), key: z.string(), path: z.string(), name: z.string(), positions: z.number() }),
  ),
  unmatched: z.array(
    z.object({ feature: z.number().int(), key: z.string().nullable(), reason: z.string(), reasonVi: z.string() }),
  ),
  notInFile: z.array(z.string()).describe('children of the parent that no feature gave an outline to'),
});

export const QuietWindow = z.object({
  id: z.number().int(),
  areaPath: z.string(),
  areaName: z.string(),
  start: z.string().describe('HH:mm, Vietnam time'),
  end: z.string(),
  note: z.string(),
});
export type QuietWindow = z.infer<typeof QuietWindow>;
export const QuietWindowList = z.array(QuietWindow);
export const QuietHoursBody = z.object({
  areaPath: z.string().min(1),
  start: z.string(),
  end: z.string(),
  note: z.string().max(200).optional(),
});
export const QuietClash = z.object({ occurrenceStart: z.string(), window: QuietWindow });
export type QuietClash = z.infer<typeof QuietClash>;
