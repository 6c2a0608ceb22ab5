// Who is logged in, and what their role may do. The API enforces all of it; the UI only hides
// what a role cannot do and says why where an action is missing.
import { withinScope } from '../../protocol/area-scope.ts';

export interface Me {
  id: number;
  username: string;
  displayName: string;
  role: 'operator' | 'approver' | 'district' | 'admin';
  scope: string | null;
}
export interface Area {
  id: number;
  parentId: number | null;
  path: string;
  name: string;
  level: string;
}

export const can = {
  create: (u: Me) => ['operator', 'approver', 'district', 'admin'].includes(u.role),
  approve: (u: Me) => ['approver', 'district', 'admin'].includes(u.role),
  emergency: (u: Me) => ['district', 'admin'].includes(u.role),
  audit: (u: Me) => ['approver', 'district', 'admin'].includes(u.role),
  quietHours: (u: Me) => ['approver', 'district', 'admin'].includes(u.role),
};

/** Areas the user acts on: their own area and everything below it. */
export const myAreas = (me: Me, areas: Area[]) => areas.filter((a) => withinScope(me.scope, a.path));
