import { useEffect, useState } from 'preact/hooks';
import { api, get, onLiveStatus, liveConnected, setToken, getToken, startEvents, whenLoggedOut } from './lib/api.ts';
import { lang, onLang, setLang, tx, ROLE, pick } from './lib/i18n.ts';
import { can, type Area, type Me } from './lib/session.ts';
import { LibraryPage } from './pages/library.tsx';
import { SchedulePage } from './pages/schedule.tsx';
import { ApprovalsPage } from './pages/approvals.tsx';
import { EmergencyPage } from './pages/emergency.tsx';
import { FleetPage } from './pages/fleet.tsx';
import { CoveragePage } from './pages/coverage.tsx';
import { AuditPage } from './pages/audit.tsx';
import { QuietHoursPage } from './pages/quiet-hours.tsx';
import { lazyPage } from './components/lazy-page.tsx';
import { ReportReminders } from './components/report-reminders.tsx';

/** Only leaders and the district office go live: its page (and the microphone code) loads when opened. */
const LivePage = lazyPage<{ ctx: AppCtx }>(() => import('./pages/live.tsx').then((m) => m.LivePage));
/** Campaigns (chuyên đề): their page and its progress tables load when opened. */
const CampaignsPage = lazyPage<{ ctx: AppCtx }>(() => import('./pages/campaigns.tsx').then((m) => m.CampaignsPage));
/** Periodic reports (báo cáo định kỳ): the page, its report tables and actions load when opened. */
const ReportsPage = lazyPage<{ ctx: AppCtx }>(() => import('./pages/reports.tsx').then((m) => m.ReportsPage));

export interface AppCtx {
  me: Me;
  areas: Area[];
  go: (route: string) => void;
}

interface Tab {
  id: string;
  vi: string;
  en: string;
  show: (u: Me) => boolean;
}
const TABS: Tab[] = [
  { id: 'fleet', vi: 'Thiết bị', en: 'Devices', show: () => true },
  { id: 'library', vi: 'Thư viện bản tin', en: 'Bulletins', show: () => true },
  { id: 'schedule', vi: 'Lịch phát thanh', en: 'Schedule', show: () => true },
  { id: 'approvals', vi: 'Phê duyệt', en: 'Approvals', show: can.approve },
  { id: 'live', vi: 'Phát trực tiếp', en: 'Live', show: can.live },
  { id: 'emergency', vi: 'Khẩn cấp', en: 'Emergency', show: can.emergency },
  { id: 'coverage', vi: 'Báo cáo độ phủ', en: 'Coverage', show: () => true },
  { id: 'reports', vi: 'Báo cáo định kỳ', en: 'Periodic reports', show: () => true },
  { id: 'campaigns', vi: 'Chuyên đề', en: 'Campaigns', show: () => true },
  { id: 'quiet', vi: 'Giờ yên tĩnh', en: 'Quiet hours', show: () => true },
  { id: 'audit', vi: 'Nhật ký hoạt động', en: 'Activity log', show: can.audit },
];

const routeNow = () => location.hash.replace(/^#\/?/, '').split('?')[0] || '';

export function App() {
  const [, setLangTick] = useState(0);
  const [me, setMe] = useState<Me | null>(null);
  const [areas, setAreas] = useState<Area[]>([]);
  const [route, setRoute] = useState(routeNow());
  const [checking, setChecking] = useState(!!getToken());
  const [live, setLive] = useState(liveConnected());

  useEffect(() => onLang(() => setLangTick((x) => x + 1)), []);
  useEffect(() => onLiveStatus(setLive), []);
  useEffect(() => {
    const f = () => setRoute(routeNow());
    addEventListener('hashchange', f);
    whenLoggedOut(() => setMe(null));
    document.documentElement.lang = lang();
    return () => removeEventListener('hashchange', f);
  }, []);
  useEffect(() => {
    if (!getToken()) return;
    Promise.all([get<Me>('/api/v1/me'), get<Area[]>('/api/v1/areas')])
      .then(([u, a]) => {
        setMe(u);
        setAreas(a);
        startEvents();
      })
      .catch(() => setToken(null))
      .finally(() => setChecking(false));
  }, []);

  useEffect(() => {
    document.title = tx('wardcast — Hệ thống truyền thanh cơ sở', 'wardcast — Ward radio system');
  });

  if (checking) return <div class="loading">…</div>;
  if (!me)
    return (
      <Login
        onDone={(u, a) => {
          setMe(u);
          setAreas(a);
        }}
      />
    );

  const tabs = TABS.filter((t) => t.show(me));
  const current =
    tabs.find((t) => t.id === route)?.id ??
    (me.role === 'district' ? 'fleet' : me.role === 'approver' ? 'approvals' : 'library');
  const ctx: AppCtx = { me, areas, go: (r) => (location.hash = `#/${r}`) };
  const logout = async () => {
    await api('POST', '/api/v1/auth/logout').catch(() => {});
    setToken(null);
    setMe(null);
  };
  return (
    <div class="shell">
      <header class="top">
        <div class="brand">
          <strong>wardcast</strong>
          <span>{tx('Hệ thống truyền thanh cơ sở', 'Ward radio system')}</span>
        </div>
        <div class="who" data-testid="who">
          <span
            class={`live-dot ${live ? 'up' : ''}`}
            title={live ? tx('Cập nhật trực tiếp', 'Live updates on') : tx('Mất kết nối cập nhật', 'Live updates off')}
          />
          <span>
            {me.displayName} · <em data-role={me.role}>{pick(ROLE, me.role)}</em>
          </span>
          <button
            type="button"
            class="lang"
            data-testid="lang"
            onClick={() => setLang(lang() === 'vi' ? 'en' : 'vi')}
            title="Ngôn ngữ / Language"
          >
            {lang() === 'vi' ? 'EN' : 'VI'}
          </button>
          <button type="button" class="link" onClick={logout}>
            {tx('Đăng xuất', 'Log out')}
          </button>
        </div>
      </header>
      <nav class="tabs">
        {tabs.map((t) => (
          <a
            href={`#/${t.id}`}
            class={`${t.id === current ? 'active' : ''} ${t.id === 'emergency' ? 'danger' : ''}`}
            data-tab={t.id}
          >
            {tx(t.vi, t.en)}
          </a>
        ))}
      </nav>
      <main class="page" data-page={current}>
        {can.reports(me) && current !== 'reports' && <ReportReminders />}
        {current === 'library' && <LibraryPage ctx={ctx} />}
        {current === 'schedule' && <SchedulePage ctx={ctx} />}
        {current === 'approvals' && <ApprovalsPage ctx={ctx} />}
        {current === 'live' && <LivePage ctx={ctx} />}
        {current === 'emergency' && <EmergencyPage ctx={ctx} />}
        {current === 'fleet' && <FleetPage ctx={ctx} />}
        {current === 'coverage' && <CoveragePage ctx={ctx} />}
        {current === 'campaigns' && <CampaignsPage ctx={ctx} />}
        {current === 'reports' && <ReportsPage ctx={ctx} />}
        {current === 'quiet' && <QuietHoursPage ctx={ctx} />}
        {current === 'audit' && <AuditPage ctx={ctx} />}
      </main>
    </div>
  );
}

function Login({ onDone }: { onDone: (u: Me, a: Area[]) => void }) {
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [, setTick] = useState(0);
  const submit = async (e: Event) => {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    setBusy(true);
    setError('');
    try {
      const r = await api<{ token: string; user: Me }>('POST', '/api/v1/auth/login', {
        username: f.get('username'),
        password: f.get('password'),
      });
      setToken(r.token);
      const areas = await get<Area[]>('/api/v1/areas');
      startEvents();
      onDone(r.user, areas);
    } catch (err) {
      // The hub's message comes in the UI's language (ApiError): wrong password, too many attempts, …
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="login-wrap">
      <form class="card login" onSubmit={submit}>
        <h1>wardcast</h1>
        <p class="muted">
          {tx('Hệ thống truyền thanh cơ sở và bảng tin điện tử công cộng', 'Ward radio and public LED boards')}
        </p>
        <label>
          {tx('Tên đăng nhập', 'Username')}
          {/* biome-ignore lint/a11y/noAutofocus: the login page has one thing to do, and typing starts in its first field */}
          <input name="username" autocomplete="username" required autoFocus />
        </label>
        <label>
          {tx('Mật khẩu', 'Password')}
          <input name="password" type="password" autocomplete="current-password" required />
        </label>
        <button type="submit" class="primary" disabled={busy}>
          {tx('Đăng nhập', 'Log in')}
        </button>
        <p class="error" role="alert">
          {error}
        </p>
        <button
          type="button"
          class="link"
          onClick={() => {
            setLang(lang() === 'vi' ? 'en' : 'vi');
            setTick((x) => x + 1);
          }}
        >
          {lang() === 'vi' ? 'English' : 'Tiếng Việt'}
        </button>
      </form>
    </div>
  );
}
