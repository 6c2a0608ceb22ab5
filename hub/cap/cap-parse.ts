// CAP 1.2 (OASIS Common Alerting Protocol): the XML a disaster-warning system publishes, read with
// fast-xml-parser and checked with zod, so an alert that is malformed, of another namespace or
// missing what CAP requires is refused with a message naming the problem before anything is stored.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { z } from 'zod';
import { LocalizedError, msg, type Text } from '../text/index.ts';

export const CAP_NAMESPACE = 'urn:oasis:names:tc:emergency:cap:1.2';
/** The largest CAP document read, from a feed or an upload: alerts are a few kilobytes. */
export const CAP_MAX_BYTES = 1_000_000;

export class CapError extends LocalizedError {
  constructor(
    message: Text,
    readonly status: 400 | 403 | 404 | 409 | 422 | 502 = 400,
  ) {
    super(message);
  }
}

/** A CAP dateTime: always with its offset ("2026-12-01T10:00:00+07:00"), so it is one instant. */
const CapTime = z
  .string()
  .regex(
    /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:\d\d|Z)$/,
    'a date-time with its offset, e.g. 2026-12-01T10:00:00+07:00',
  )
  .refine((s) => !Number.isNaN(Date.parse(s)), 'a real date and time');

const text = z
  .string({ error: (i) => (i.input === undefined ? 'required' : 'must be text') })
  .trim()
  .min(1, 'must not be empty');

const Resource = z.object({
  resourceDesc: z.string().default(''),
  mimeType: text,
  size: z.coerce.number().int().nonnegative().optional(),
  uri: z.string().optional(),
});

const ValuePair = z.object({ valueName: z.string(), value: z.string() });

const Area = z.object({
  areaDesc: text,
  geocode: z.array(ValuePair).default([]),
});

const Info = z.object({
  language: z.string().default('en-US'),
  category: z.array(text).min(1),
  event: text,
  urgency: text,
  severity: text,
  certainty: text,
  senderName: z.string().optional(),
  headline: z.string().optional(),
  description: z.string().optional(),
  instruction: z.string().optional(),
  effective: CapTime.optional(),
  onset: CapTime.optional(),
  expires: CapTime.optional(),
  resource: z.array(Resource).default([]),
  area: z.array(Area).default([]),
});
export type CapInfo = z.infer<typeof Info>;

export const CapAlert = z
  .object({
    identifier: text,
    sender: text,
    sent: CapTime,
    status: z.enum(['Actual', 'Exercise', 'System', 'Test', 'Draft']),
    msgType: z.enum(['Alert', 'Update', 'Cancel', 'Ack', 'Error']),
    scope: z.enum(['Public', 'Restricted', 'Private']),
    references: z.string().optional(),
    info: z.array(Info).default([]),
  })
  // CAP makes <info> optional, but an Alert or Update without one has nothing to broadcast; a
  // Cancel only needs the reference. Checked even when other elements are wrong, to name them all.
  .refine((a) => a.msgType === 'Cancel' || (a.info?.length ?? 0) > 0, {
    path: ['info'],
    message: 'required (at least one)',
    when: () => true,
  });
export type CapAlert = z.infer<typeof CapAlert>;

/** Elements that may repeat in CAP 1.2: always read as lists, even when one is given. */
const REPEATED = new Set([
  'info',
  'category',
  'responseType',
  'eventCode',
  'parameter',
  'resource',
  'area',
  'polygon',
  'circle',
  'geocode',
]);

const parser = (removeNSPrefix: boolean) =>
  new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    removeNSPrefix,
    parseTagValue: false,
    parseAttributeValue: false,
    processEntities: true,
    isArray: (name) => removeNSPrefix && REPEATED.has(name),
  });

/** An issue in Vietnamese: the common ones worded, the rest with CAP's own words after them. */
function issueVi(i: z.core.$ZodIssue): string {
  if (i.message === 'required' || i.message.startsWith('required')) return 'bắt buộc phải có';
  if (i.message === 'must not be empty') return 'không được để trống';
  if (i.code === 'invalid_value') return `giá trị không hợp lệ (${i.message})`;
  return `sai định dạng (${i.message})`;
}

/** Parses and checks one CAP 1.2 alert; throws CapError naming what is wrong. */
export function parseCap(xml: string): CapAlert {
  // CAP never uses a DOCTYPE: refusing one leaves no entity to expand (a "billion laughs" file).
  if (/<!DOCTYPE/i.test(xml)) throw new CapError(msg('cap.doctype'));
  const valid = XMLValidator.validate(xml);
  if (valid !== true)
    throw new CapError(
      msg('cap.malformed', { detail: `${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col})` }),
    );
  // The namespace is checked on the names as written (the root may carry a prefix, e.g. cap:alert).
  const raw = parser(false).parse(xml) as Record<string, unknown>;
  const rootName = Object.keys(raw).find((k) => !k.startsWith('?'));
  const [prefix, local] = rootName?.includes(':') ? rootName.split(':') : [null, rootName];
  const root = (rootName ? raw[rootName] : undefined) as Record<string, unknown> | undefined;
  const ns = root && typeof root === 'object' ? root[prefix ? `@xmlns:${prefix}` : '@xmlns'] : undefined;
  if (local !== 'alert' || ns !== CAP_NAMESPACE)
    throw new CapError(
      msg('cap.not-cap12', { found: `<${rootName ?? '?'}${ns ? ` xmlns="${String(ns)}"` : ' (no namespace)'}>` }),
    );
  const doc = parser(true).parse(xml) as { alert: unknown };
  const p = CapAlert.safeParse(doc.alert);
  if (!p.success)
    throw new CapError(
      msg('cap.invalid', {
        problems: p.error.issues.map((i) => `<${i.path.join('/') || 'alert'}>: ${i.message}`).join('; '),
        problemsVi: p.error.issues.map((i) => `<${i.path.join('/') || 'alert'}>: ${issueVi(i)}`).join('; '),
      }),
    );
  return p.data;
}

/** The info the hub reads: the Vietnamese one (vi-VN, or vi), else the first. */
export function chosenInfo(alert: CapAlert): CapInfo | undefined {
  return alert.info.find((i) => /^vi(-VN)?$/i.test(i.language)) ?? alert.info[0];
}

/** The key CAP uses in <references>: "sender,identifier,sent". */
export const capKey = (a: { sender: string; identifier: string; sent: string }) =>
  `${a.sender},${a.identifier},${a.sent}`;

/** The alerts a message refers to: <references> is a space-separated list of "sender,identifier,sent". */
export function referencesOf(alert: CapAlert): Array<{ sender: string; identifier: string; sent: string }> {
  return (alert.references ?? '')
    .split(/\s+/)
    .filter(Boolean)
    .map((r) => {
      const [sender = '', identifier = '', sent = ''] = r.split(',');
      return { sender, identifier, sent };
    });
}
