// Campaigns (chuyên đề): a period, the areas covered, a target per speaker, and the progress per
// ward: planned against aired, from the coverage report's evidence (docs/campaigns.md).
import { z } from 'zod';

export const TargetPer = z.enum(['week', 'month', 'period']);
export const CampaignTarget = z.object({
  bulletins: z.number().int().min(1).max(1000).describe('at least this many aired on every speaker'),
  per: TargetPer.describe('in each week (Monday to Sunday), calendar month, or the whole period'),
});
export type CampaignTarget = z.infer<typeof CampaignTarget>;

export const Campaign = z.object({
  id: z.number().int(),
  name: z.string(),
  from: z.string().describe('yyyy-mm-dd, first day (Vietnam)'),
  to: z.string().describe('yyyy-mm-dd, last day (Vietnam), inclusive'),
  areas: z.array(z.string()),
  target: CampaignTarget,
  note: z.string(),
  createdBy: z.number().int(),
  archived: z.boolean(),
  bulletins: z.number().int().describe('bulletins tagged with it'),
});
export type Campaign = z.infer<typeof Campaign>;
export const CampaignList = z.array(Campaign);

export const CampaignBody = z.object({
  name: z.string().trim().min(1).max(200),
  from: z.string().describe('yyyy-mm-dd'),
  to: z.string().describe('yyyy-mm-dd, inclusive'),
  areas: z.array(z.string().min(1)).max(200),
  target: CampaignTarget,
  note: z.string().max(1000).optional(),
});
export type CampaignBody = z.infer<typeof CampaignBody>;

export const CampaignListQuery = z.object({
  archived: z.enum(['0', '1']).optional().describe('1: include archived campaigns'),
});
export const ProgressQuery = z.object({
  devices: z.enum(['0', '1']).optional().describe('1: also each speaker, per bucket'),
});

/** One bucket of the target (a week, a month, or the period), clipped to the period. */
export const ProgressBucket = z.object({
  label: z.string().describe('dd/mm/yyyy–dd/mm/yyyy'),
  from: z.string(),
  to: z.string(),
  required: z.number().int().describe('the target for this bucket (scaled down where the period clips it)'),
  planned: z.number().int(),
  aired: z.number().int(),
  speakers: z.number().int(),
  speakersMet: z.number().int().describe('speakers with at least the target aired in it'),
  met: z
    .boolean()
    .nullable()
    .describe('every speaker met the target; null while the bucket is not over and not yet met'),
});
export const DeviceProgress = z.object({
  deviceId: z.string(),
  deviceName: z.string(),
  planned: z.array(z.number().int()),
  aired: z.array(z.number().int()),
});
export const WardProgress = z.object({
  areaPath: z.string(),
  areaName: z.string(),
  planned: z.number().int(),
  aired: z.number().int(),
  buckets: z.array(ProgressBucket),
  met: z.boolean().nullable().describe('every bucket met; false once any ended bucket missed; else null'),
  devices: z.array(DeviceProgress).optional(),
});
export const CampaignProgress = z.object({
  campaign: Campaign,
  now: z.string(),
  wards: z.array(WardProgress),
});
export type CampaignProgress = z.infer<typeof CampaignProgress>;
