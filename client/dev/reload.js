// Dev-mode hot reload (served at /_vango/dev/reload.js only in dev mode): swaps edited
// stylesheets and images in place; when the server restarts, reloads the page at the same
// URL and puts back the typed values, the focus and the scroll position.
// Touches fetch (/_vango/dev/events), sessionStorage (one key, written just before its
// reload), location, the page's form fields and <link>/<img> URLs. It never calls into
// the core client: it only watches the connection class the core puts on <html>.
const EV = '/_vango/dev/events';
const KEY = 'vango-dev-reload';
const html = document.documentElement;
// boot: the server process's identity; v: the static folders' version; snap: the page as
// it was when the connection dropped; down: waiting for the server; loop: a poll runs.
let boot, v, snap, down, loop, leaving;

const get = (q) =>
  fetch(EV + q, { cache: 'no-store' }).then((r) => (r.ok ? r.json() : Promise.reject(r.status)));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const fields = () => [...document.querySelectorAll('input, textarea, select')];

// A field's address that survives a reload of the same page: its id, else its name and
// rank among fields of that name, else its rank among all fields.
const address = (el, all) => {
  if (el.id) return '#' + el.id;
  if (el.name) return 'n' + all.filter((f) => f.name == el.name).indexOf(el) + ':' + el.name;
  return 'i' + all.indexOf(el);
};
const find = (a, all) => {
  if (a[0] == '#') return document.getElementById(a.slice(1));
  if (a[0] == 'i') return all[+a.slice(1)];
  const [, n, name] = a.match(/^n(\d+):(.*)$/s) || [];
  return all.filter((f) => f.name == name)[+n];
};

// What a reload would lose: typed values (not passwords or files), the focused field and
// its caret, scroll, URL.
const save = () => {
  const all = fields(), f = {}, a = document.activeElement;
  for (const el of all) {
    if (el.type == 'password' || el.type == 'file' || el.type == 'hidden') continue;
    f[address(el, all)] =
      el.type == 'checkbox' || el.type == 'radio' ? el.checked
        : el.multiple ? [...el.selectedOptions].map((o) => o.value) : el.value;
  }
  const focus = all.includes(a) ? [address(a, all), a.selectionStart, a.selectionEnd] : null;
  return { url: location.href, x: scrollX, y: scrollY, f, focus };
};

// Puts a saved page back, through input/change events so the server's state follows
// (the core queues them until its new session is up).
const restore = (s) => {
  const all = fields();
  for (const [a, val] of Object.entries(s.f)) {
    const el = find(a, all);
    if (!el) continue;
    if (typeof val == 'boolean') {
      if (el.checked == val) continue;
      el.checked = val;
    } else if (Array.isArray(val)) {
      for (const o of el.options) o.selected = val.includes(o.value);
    } else {
      if (el.value == val) continue;
      el.value = val;
    }
    el.dispatchEvent(new Event('input', { bubbles: true }));
    el.dispatchEvent(new Event('change', { bubbles: true }));
  }
  const el = s.focus && find(s.focus[0], all);
  if (el) {
    el.focus({ preventScroll: true });
    try { el.setSelectionRange(s.focus[1], s.focus[2]); } catch {} // not a text field
  }
  const scroll = () => scrollTo(s.x, s.y);
  scroll();
  // Late images and fonts change the layout: scroll again once everything is in.
  addEventListener('load', scroll, { once: true });
};

// The server is a new process: reload the same URL (its cookie session and query come
// along). Typed values are taken now unless the core already mounted a fresh session,
// which may have re-rendered them: then those saved when the connection dropped.
const restart = () => {
  if (leaving) return;
  const s = html.classList.contains('vango-connected') && snap ? snap : save();
  try { sessionStorage.setItem(KEY, JSON.stringify(s)); } catch {}
  location.reload();
};

// Same-origin URL whose (decoded) path is p, with a cache-busting query; null otherwise.
const bust = (url, p) => {
  try {
    const u = new URL(url, location.href);
    if (u.origin != location.origin || (p && decodeURIComponent(u.pathname) != p)) return null;
    u.searchParams.set('vango-dev', v);
    return u.href;
  } catch { return null; }
};

// Swaps each changed file where the page uses it: a stylesheet by a new <link> (the old one
// goes once the new one is in: no flash; a changed sheet no <link> names, an @import,
// swaps them all), an image by its src; a changed script reloads the page.
const swap = (paths) => {
  const links = [...document.querySelectorAll('link[rel~=stylesheet][href]')];
  const sheets = new Set();
  for (const p of paths) {
    if (p.endsWith('.css')) {
      const named = links.filter((l) => bust(l.href, p));
      (named.length ? named : links.filter((l) => bust(l.href, ''))).forEach((l) => sheets.add(l));
    }
    for (const el of document.querySelectorAll('img[src], source[src]')) {
      const h = bust(el.getAttribute('src'), p);
      if (h) el.src = h;
    }
    for (const el of document.querySelectorAll('script[src]')) if (bust(el.src, p)) return restart();
  }
  for (const l of sheets) {
    const n = l.cloneNode();
    n.href = bust(l.href, '');
    n.onload = n.onerror = () => l.remove();
    l.after(n);
  }
};

// One answer about the server, from this tab's request or another tab's poll: a new
// process reloads (true), changed files are swapped.
const got = (r) => {
  if (boot && r.boot != boot) return restart(), 1;
  boot = r.boot;
  const first = v == null;
  v = r.v; // also the cache-busting query of the swapped files
  if (!first && r.changed.length) swap(r.changed);
};

// The tabs of this origin share one long poll (a browser opens at most 6 connections per
// host, and a poll holds one): the tab holding the lock polls and passes each answer on;
// the others ask once, then listen. Without locks or channels every tab polls.
const chan = self.BroadcastChannel && new BroadcastChannel(KEY);
if (chan) chan.onmessage = (m) => got(m.data);
let leader = !(chan && navigator.locks);

// Long-polls the static folders' version; a failed poll means the server went away.
const watch = async () => {
  if (loop) return;
  loop = 1;
  for (;;) {
    let r;
    try { r = await get(v == null ? '' : '?since=' + v); } catch { loop = 0; return lost(); }
    const first = v == null;
    if (got(r)) return;
    if (!leader) return (loop = 0);
    chan && chan.postMessage(r);
    // A server that answers at once without a change (a short header timeout) is not
    // asked in a tight loop; nothing is missed meanwhile: the next poll asks since v.
    if (!first && !r.changed.length) await sleep(50);
  }
};
if (!leader) navigator.locks.request(KEY, () => ((leader = 1), watch(), new Promise(() => {})));

// The connection dropped: keep the page as it is now, then ask every 50 ms (every 500 ms
// after 10 s: the server may be down for good) who answers. The same process (a network
// blip): the core reconnects on its own, watching goes on.
const lost = async () => {
  if (down || leaving) return;
  down = 1;
  snap = save();
  const t = Date.now();
  for (;;) {
    await sleep(Date.now() - t > 1e4 ? 500 : 50);
    let r;
    try { r = await get(''); } catch { continue; }
    chan && chan.postMessage(r);
    if (boot && r.boot != boot) return restart();
    down = 0;
    return watch();
  }
};

addEventListener('pagehide', () => (leaving = 1));
addEventListener('pageshow', () => (leaving = 0)); // back from the back/forward cache
new MutationObserver(() => html.classList.contains('vango-disconnected') && lost())
  .observe(html, { attributes: true, attributeFilter: ['class'] });

// After the core client (deferred after this script) has started: put back what the
// reload saved, when it is this page's.
const boot0 = () => {
  let s;
  try {
    s = JSON.parse(sessionStorage.getItem(KEY) || 'null');
    sessionStorage.removeItem(KEY);
  } catch {}
  if (s && s.url == location.href) restore(s);
  watch();
};
document.readyState == 'complete' ? boot0() : addEventListener('DOMContentLoaded', boot0);
