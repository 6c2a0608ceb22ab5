// Who may do what: the roles, the role rules the routes enforce and the web UI shows, and the
// area-scope rule. Plain data, no zod: the web bundle takes these without the schema library.

export const ROLES = ['operator', 'approver', 'district', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/**
 * The roles allowed each kind of act. The API enforces these (a route's access); the UI hides what
 * a role may not do. An emergency needs no approval when the district office (or an admin) sends it.
 */
export const ROLE_RULES = {
  /** write bulletins, upload media, check drafts, decide clashes */
  create: ['operator', 'approver', 'district', 'admin'],
  /** approve or reject another person's bulletin */
  approve: ['approver', 'district', 'admin'],
  /** send an emergency at once, without approval */
  emergency: ['district', 'admin'],
  /** read the audit log */
  audit: ['approver', 'district', 'admin'],
  /** add and remove quiet hours */
  quietHours: ['approver', 'district', 'admin'],
  /** register, revoke and decommission devices */
  devices: ['admin', 'district'],
  /** set and import area outlines */
  outlines: ['admin', 'district'],
  /** keep the calendar of anniversaries (wards read it) */
  calendar: ['admin', 'district'],
  /** create and change campaigns (chuyên đề) for areas in one's scope: a district, or a ward's leader */
  campaigns: ['approver', 'district', 'admin'],
  /** generate, sign off and revise periodic reports (báo cáo định kỳ) of areas in one's scope; anyone in scope reads them */
  reports: ['approver', 'district', 'admin'],
} as const satisfies Record<string, readonly Role[]>;
export type RoleRule = keyof typeof ROLE_RULES;

export const roleMay = (role: Role, rule: RoleRule): boolean => (ROLE_RULES[rule] as readonly Role[]).includes(role);

// Whether `path` lies at or below `scope` (null: everywhere, for admins): protocol's one rule.
export { withinScope } from '../../protocol/area-scope.ts';
