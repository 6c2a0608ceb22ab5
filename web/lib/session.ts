// Who is logged in, and what their role may do. The API enforces all of it (the same rules, from
// hub/api-contract/roles.ts); the UI only hides what a role cannot do and says why where an action
// is missing.
import type { Area } from '../../hub/api-contract/areas.ts';
import { roleMay, withinScope } from '../../hub/api-contract/roles.ts';
import type { User } from '../../hub/api-contract/users.ts';

export type { Area };
/** The logged-in user (GET /api/v1/me). */
export type Me = User;

export const can = {
  create: (u: Me) => roleMay(u.role, 'create'),
  approve: (u: Me) => roleMay(u.role, 'approve'),
  emergency: (u: Me) => roleMay(u.role, 'emergency'),
  audit: (u: Me) => roleMay(u.role, 'audit'),
  quietHours: (u: Me) => roleMay(u.role, 'quietHours'),
  campaigns: (u: Me) => roleMay(u.role, 'campaigns'),
  /** generate, sign off and revise periodic reports */
  reports: (u: Me) => roleMay(u.role, 'reports'),
  /** go live with the microphone: a ward leader (the act approves it), the district office */
  live: (u: Me) => u.role === 'approver' || u.role === 'district',
};

/** Areas the user acts on: their own area and everything below it. */
export const myAreas = (me: Me, areas: Area[]) => areas.filter((a) => withinScope(me.scope, a.path));
export const wardsOf = (me: Me, areas: Area[]) =>
  myAreas(me, areas).filter((a) => a.level === 'ward' || a.path === me.scope);
