// While the user types, the hub checks the draft for clashes with other broadcasts on the same
// devices and for quiet hours, before anything is saved (POST /api/v1/broadcasts/check).
import { useEffect, useState } from 'preact/hooks';
import type { DraftCheck } from '../../../hub/api-contract/schedule.ts';
import { ApiError, post } from '../../lib/api.ts';
import type { ClashDecision } from '../clash-choices.tsx';

/** `excludeId`: an edit is checked as the broadcast it changes, so it does not clash with itself. */
export function useClashCheck(body: object | null, ready: boolean, excludeId: string | undefined) {
  const [check, setCheck] = useState<DraftCheck | null>(null);
  const [checkErr, setCheckErr] = useState('');
  const [checkCode, setCheckCode] = useState<string | undefined>();
  const [decision, setDecision] = useState<ClashDecision | ''>('');
  const bodyKey = JSON.stringify(body);
  useEffect(() => {
    setCheck(null);
    setCheckErr('');
    setCheckCode(undefined);
    setDecision('');
    if (!ready) return;
    const t = setTimeout(() => {
      post<DraftCheck>(
        `/api/v1/broadcasts/check${excludeId ? `?exclude=${encodeURIComponent(excludeId)}` : ''}`,
        body,
      ).then(setCheck, (e) => {
        setCheckErr(e.message);
        setCheckCode(e instanceof ApiError ? e.code : undefined);
      });
    }, 300);
    return () => clearTimeout(t);
  }, [bodyKey, ready]);
  return { check, checkErr, checkCode, decision, setDecision };
}
