// Ward outlines (hub/areas/boundaries.ts): one outline's problems, refusals and imports.
import { def, type Message } from './message.ts';

/** A fragment as a sentence: capital first letter, full stop at the end. */
const sentence = (s: string) => {
  const t = s.charAt(0).toLocaleUpperCase('vi') + s.slice(1);
  return t.endsWith('.') ? t : `${t}.`;
};
/** "a, b và c" */
const andVi = (xs: string[]) => (xs.length < 2 ? xs.join('') : `${xs.slice(0, -1).join(', ')} và ${xs[xs.length - 1]}`);

/**
 * Where in an outline a problem lies, from the inside out: a number of a position of a ring of a
 * polygon (polygons are numbered in a MultiPolygon only). Both languages are built from it.
 */
export interface OutlinePlace {
  polygon?: number;
  ring?: number;
  position?: number;
  number?: number;
}
const PLACE_WORDS = [
  ['number', 'number', 'giá trị'],
  ['position', 'position', 'điểm'],
  ['ring', 'ring', 'vòng'],
  ['polygon', 'polygon', 'đa giác'],
] as const;
/** "position 5 of ring 0 of polygon 1" */
export const placeEn = (at: OutlinePlace) =>
  PLACE_WORDS.filter(([k]) => at[k] !== undefined)
    .map(([k, en]) => `${en} ${at[k]}`)
    .join(' of ');
/** "điểm 5 của vòng 0 của đa giác 1" */
export const placeVi = (at: OutlinePlace) =>
  PLACE_WORDS.filter(([k]) => at[k] !== undefined)
    .map(([k, , vi]) => `${vi} ${at[k]}`)
    .join(' của ');

/** What an outline belongs to: one area's (PUT) or an imported feature matched to an area. */
export type OutlineSubject = { area: string } | { feature: number; key: string; path: string };
const subjectEn = (s: OutlineSubject) =>
  'area' in s ? `the outline of "${s.area}"` : `feature ${s.feature} ("${s.key}" → ${s.path})`;
const subjectVi = (s: OutlineSubject) =>
  'area' in s ? `đường ranh giới của "${s.area}"` : `đối tượng ${s.feature} ("${s.key}" → ${s.path})`;

type MatchBy = 'path' | 'slug' | 'name';
/** How an import matches features to areas, in Vietnamese. */
const MATCH_BY_VI: Record<MatchBy, string> = { path: 'đường dẫn', slug: 'mã (slug)', name: 'tên' };

const SWAPPED_EN = ' (are longitude and latitude swapped? GeoJSON is [longitude, latitude])';
const SWAPPED_VI = ' (có phải kinh độ và vĩ độ bị đổi chỗ cho nhau? GeoJSON ghi theo thứ tự [kinh độ, vĩ độ])';
const pos = (p: readonly number[]) => `[${p[0]}, ${p[1]}]`;
const joinEn = (ms: readonly Message[]) => ms.map((m) => m.en).join('; ');
const joinVi = (ms: readonly Message[]) => ms.map((m) => m.vi).join('; ');

export const OUTLINE_TEXT = {
  // ---- ward outlines: one outline's problems (fragments, joined by "; " into boundary.invalid) ----
  'boundary.position-needs-lon-lat': def(
    () => 'a position needs a longitude and a latitude',
    () => 'mỗi điểm cần có kinh độ và vĩ độ',
  ),
  'boundary.position-too-many-numbers': def(
    () => 'a position has at most 3 numbers: longitude, latitude, altitude',
    () => 'mỗi điểm có tối đa 3 số: kinh độ, vĩ độ, độ cao',
  ),
  'boundary.polygon-needs-ring': def(
    () => 'a polygon needs at least one ring',
    () => 'mỗi đa giác cần ít nhất một vòng ranh giới',
  ),
  'boundary.multipolygon-needs-polygon': def(
    () => 'a MultiPolygon needs at least one polygon',
    () => 'MultiPolygon cần ít nhất một đa giác',
  ),
  'boundary.too-many-positions': def(
    (p: { count: number; max: number }) =>
      `the outline has ${p.count} positions; at most ${p.max} are allowed (simplify it first, e.g. with mapshaper)`,
    (p) =>
      `đường ranh giới có ${p.count} điểm; chỉ cho phép tối đa ${p.max} điểm (hãy đơn giản hóa trước, ví dụ bằng mapshaper)`,
  ),
  'boundary.longitude-out-of-range': def(
    (p: { at: OutlinePlace; value: number; swapped: boolean }) =>
      `${placeEn(p.at)}: longitude ${p.value} is outside -180..180${p.swapped ? SWAPPED_EN : ''}`,
    (p) => `${placeVi(p.at)}: kinh độ ${p.value} nằm ngoài khoảng -180..180${p.swapped ? SWAPPED_VI : ''}`,
  ),
  'boundary.latitude-out-of-range': def(
    (p: { at: OutlinePlace; value: number; swapped: boolean }) =>
      `${placeEn(p.at)}: latitude ${p.value} is outside -90..90${p.swapped ? SWAPPED_EN : ''}`,
    (p) => `${placeVi(p.at)}: vĩ độ ${p.value} nằm ngoài khoảng -90..90${p.swapped ? SWAPPED_VI : ''}`,
  ),
  'boundary.ring-too-short': def(
    (p: { at: OutlinePlace; count: number }) =>
      `${placeEn(p.at)} has ${p.count} positions; a closed ring needs at least 4 (the last repeating the first)`,
    (p) => `${placeVi(p.at)} chỉ có ${p.count} điểm; một vòng khép kín cần ít nhất 4 điểm (điểm cuối trùng điểm đầu)`,
  ),
  'boundary.ring-not-closed': def(
    (p: { at: OutlinePlace; first: readonly number[]; last: readonly number[] }) =>
      `${placeEn(p.at)} is not closed: its last position ${pos(p.last)} differs from its first ${pos(p.first)}`,
    (p) => `${placeVi(p.at)} chưa khép kín: điểm cuối ${pos(p.last)} khác điểm đầu ${pos(p.first)}`,
  ),
  'boundary.ring-no-area': def(
    (p: { at: OutlinePlace }) => `${placeEn(p.at)} has no area (its positions repeat or lie on a line)`,
    (p) => `${placeVi(p.at)} không có diện tích (các điểm trùng nhau hoặc nằm trên một đường thẳng)`,
  ),
  /** A structural problem (from the schema) at a place: "number 0 of position 0 of ring 0: …". */
  'boundary.problem-at': def(
    (p: { at: OutlinePlace; problem: { en: string; vi: string } }) =>
      placeEn(p.at) ? `${placeEn(p.at)}: ${p.problem.en}` : p.problem.en,
    (p) => (placeVi(p.at) ? `${placeVi(p.at)}: ${p.problem.vi}` : p.problem.vi),
  ),
  'boundary.not-a-geometry': def(
    () => 'the outline must be a GeoJSON Polygon or MultiPolygon geometry (or a Feature holding one)',
    () => 'đường ranh giới phải là hình học GeoJSON dạng Polygon hoặc MultiPolygon (hoặc một Feature chứa hình học đó)',
  ),
  'boundary.wrong-geometry-type': def(
    (p: { type: string | null }) =>
      `geometry type is ${p.type === null ? 'missing' : `"${p.type}"`}; an outline must be a Polygon or MultiPolygon`,
    (p) =>
      `${p.type === null ? 'thiếu kiểu hình học ("type")' : `kiểu hình học là "${p.type}"`}; đường ranh giới phải là Polygon hoặc MultiPolygon`,
  ),

  // ---- ward outlines: refusals ----
  'boundary.invalid': def(
    (p: { problems: readonly Message[] }) => joinEn(p.problems),
    (p) => sentence(joinVi(p.problems)),
  ),
  'boundary.feature-invalid': def(
    (p: { feature: number; key: string; path: string; problems: readonly Message[] }) =>
      `${subjectEn(p)}: ${joinEn(p.problems)}`,
    (p) => sentence(`${subjectVi(p)}: ${joinVi(p.problems)}`),
  ),
  'boundary.no-source': def(
    (p: { subject: OutlineSubject }) =>
      `${subjectEn(p.subject)} has no source; say where the outline comes from (e.g. "Sở TN&MT Hà Nội 2024" or "approximate: …")`,
    (p) =>
      sentence(
        `${subjectVi(p.subject)} chưa ghi nguồn; vui lòng cho biết đường ranh giới lấy từ đâu (ví dụ "Sở TN&MT Hà Nội 2024" hoặc "approximate: …")`,
      ),
  ),
  'boundary.source-too-long': def(
    (p: { subject: OutlineSubject; max: number }) =>
      `${subjectEn(p.subject)}: the source is longer than ${p.max} characters`,
    (p) => sentence(`${subjectVi(p.subject)}: phần ghi nguồn dài quá ${p.max} ký tự`),
  ),
  'boundary.geometry-missing': def(
    () => 'missing: send a GeoJSON Polygon or MultiPolygon, or null to clear the outline',
    () => 'bắt buộc phải có (hình học GeoJSON dạng Polygon hoặc MultiPolygon, hoặc null để xóa đường ranh giới)',
  ),

  // ---- ward outlines: imports ----
  'boundary.import-not-collection': def(
    /** `got`: the type the body has (as JSON), when it is an object; `bareGeometry`: it is a Polygon or MultiPolygon. */
    (p: { got?: string; bareGeometry?: boolean }) =>
      `expected a GeoJSON FeatureCollection or Feature${p.got !== undefined ? `, got type ${p.got}` : ''}${p.bareGeometry ? "; to set one area's outline from a bare geometry use PUT /api/v1/areas/boundary" : ''}`,
    (p) =>
      `Cần một GeoJSON dạng FeatureCollection hoặc Feature${p.got !== undefined ? `, nhưng nhận được kiểu ${p.got}` : ''}` +
      `${p.bareGeometry ? '; để đặt đường ranh giới cho một khu vực từ một hình học đơn lẻ, hãy dùng PUT /api/v1/areas/boundary' : ''}.`,
  ),
  'boundary.import-no-features-array': def(
    () => 'the FeatureCollection has no "features" array',
    () => 'FeatureCollection không có mảng "features".',
  ),
  'boundary.import-empty': def(
    () => 'the FeatureCollection has no features',
    () => 'FeatureCollection không có đối tượng (feature) nào.',
  ),
  'boundary.import-too-many-features': def(
    (p: { count: number; max: number }) => `the FeatureCollection has ${p.count} features; at most ${p.max} per import`,
    (p) => `FeatureCollection có ${p.count} đối tượng (feature); mỗi lần nhập chỉ được tối đa ${p.max}.`,
  ),
  'boundary.import-needs-parent': def(
    (p: { matchBy: MatchBy }) => `matching by ${p.matchBy} needs the parent area's path (parent=…)`,
    (p) => `Để khớp theo ${MATCH_BY_VI[p.matchBy]}, cần cho biết đường dẫn của khu vực cấp trên (parent=…).`,
  ),
  'boundary.import-not-a-feature': def(
    (p: { feature: number }) => `feature ${p.feature} is not a GeoJSON Feature`,
    (p) => `Mục ${p.feature} trong "features" không phải là một GeoJSON Feature.`,
  ),
  'boundary.import-duplicate-match': def(
    (p: { first: number; second: number; path: string }) => `features ${p.first} and ${p.second} both match ${p.path}`,
    (p) => `Đối tượng ${p.first} và ${p.second} cùng khớp với khu vực ${p.path}.`,
  ),
  'boundary.import-outside-scope': def(
    (p: { feature: number; key: string; path: string }) => `${subjectEn(p)}: area "${p.path}" is outside your area`,
    (p) => sentence(`${subjectVi(p)}: khu vực "${p.path}" nằm ngoài phạm vi phụ trách của bạn`),
  ),
  'boundary.import-nothing-matched': def(
    (p: { property: string; matchBy: MatchBy; parent: string | null }) =>
      `no feature matched an area (matching "${p.property}" by ${p.matchBy}${p.parent ? ` under ${p.parent}` : ''})`,
    (p) =>
      `Không đối tượng nào khớp với khu vực nào (khớp thuộc tính "${p.property}" theo ${MATCH_BY_VI[p.matchBy]}${p.parent ? ` trong ${p.parent}` : ''}).`,
  ),
  // Why a feature matched no area: report data (ImportReport.unmatched), shown as it is.
  'boundary.unmatched-no-property': def(
    (p: { property: string }) => `no "${p.property}" property`,
    (p) => `không có thuộc tính "${p.property}"`,
  ),
  'boundary.unmatched-ambiguous-name': def(
    (p: { paths: string[] }) => `the name matches ${p.paths.join(' and ')}`,
    (p) => `tên khớp với cả ${andVi(p.paths)}`,
  ),
  'boundary.unmatched-no-such-area': def(
    () => 'no such area',
    () => 'không có khu vực này',
  ),
  'boundary.unmatched-not-under-parent': def(
    (p: { matchBy: MatchBy; parent: string }) => `no area with that ${p.matchBy} under ${p.parent}`,
    (p) => `không có khu vực nào có ${MATCH_BY_VI[p.matchBy]} này trong ${p.parent}`,
  ),
} as const;
