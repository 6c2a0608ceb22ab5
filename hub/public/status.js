// The status page: log in, then devices (live), broadcasts and a 30-day coverage summary.
const $ = (s) => document.querySelector(s);
let token = sessionStorage.getItem('wardcast-token');
const fmt = (iso) => (iso ? new Date(iso).toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh' }) : '—');
const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const PRIORITY = { normal: 'Thông thường', priority: 'Ưu tiên', emergency: 'Khẩn cấp' };
const STATUS = { submitted: 'Chờ duyệt', approved: 'Đã duyệt', rejected: 'Từ chối', cancelled: 'Đã hủy' };

async function api(path) {
  const res = await fetch(path, { headers: { authorization: `Bearer ${token}` } });
  if (res.status === 401) { sessionStorage.removeItem('wardcast-token'); token = null; show(); throw new Error('logged out'); }
  return res.json();
}

async function refresh() {
  const [devices, broadcasts, report] = await Promise.all([api('/api/v1/devices'), api('/api/v1/broadcasts'), api('/api/v1/reports/coverage')]);
  $('#devices tbody').innerHTML = devices.map((d) => `<tr data-device="${esc(d.id)}"><td>${esc(d.name)}<br><small>${esc(d.id)}</small></td><td>${d.kind === 'led' ? 'Bảng LED' : 'Cụm loa'}</td><td>${esc(d.areaPath)}</td>
    <td class="${d.online ? 'online' : 'offline'}">${d.online ? 'Trực tuyến / online' : 'Ngoại tuyến / offline'}</td><td>${fmt(d.lastSeen)}</td><td>${esc(d.telemetry?.nowPlaying ?? '')}</td></tr>`).join('');
  $('#broadcasts tbody').innerHTML = broadcasts.slice(0, 20).map((b) => `<tr><td>${esc(b.title)}</td><td class="${b.priority}">${PRIORITY[b.priority]}</td><td>${b.rrule ? 'Định kỳ / recurring' : fmt(b.startsAt)}</td><td>${STATUS[b.status]}</td></tr>`).join('');
  $('#coverage tbody').innerHTML = report.byArea.map((a) => `<tr><td>${esc(a.areaName)}</td><td>${a.scheduled}</td><td>${a.played}</td><td>${a.partial}</td><td>${a.failed}</td><td>${a.missed}</td><td>${a.preempted}</td><td>${a.pending}</td></tr>`).join('');
  $('#csv').href = `/api/v1/reports/coverage?format=csv&token=${encodeURIComponent(token)}`;
}

function show() {
  $('#login').hidden = !!token;
  $('#app').hidden = !token;
  if (!token) return;
  api('/api/v1/me').then((u) => ($('#who').textContent = `${u.displayName} (${u.role})`));
  refresh();
  const events = new EventSource(`/api/v1/events?token=${encodeURIComponent(token)}`);
  let pending = null;
  const soon = () => { clearTimeout(pending); pending = setTimeout(refresh, 300); };
  for (const k of ['device', 'receipt', 'broadcast']) events.addEventListener(k, soon);
}

$('#login').addEventListener('submit', async (e) => {
  e.preventDefault();
  const form = new FormData(e.target);
  const res = await fetch('/api/v1/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(Object.fromEntries(form)) });
  const body = await res.json();
  if (!res.ok) { $('#login-error').textContent = res.status === 401 ? 'Sai tên đăng nhập hoặc mật khẩu / Wrong username or password' : body.error; return; }
  token = body.token;
  sessionStorage.setItem('wardcast-token', token);
  show();
});
show();
