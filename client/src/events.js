// Event delegation: one capture listener on document per event name that some data-on
// or data-js uses; runs an element's data-js commands (commands.js), then reads its flags
// (p s c dN tN) and key filter (:K1,K2), builds the payload of the event's class and hands
// it to send (sender.js), input events through hold. Touches document listeners and the
// handling elements' timer slots.
import * as C from './constants.js';
import { hold, send } from './sender.js';
import { names, run } from './commands.js';

const seen = {};
const num = (x) => Math.abs(Math.round(x)) || 0;

// Makes sure document listens for every event named in e's data-on or data-js.
export function watch(e) {
  for (const s of (e.getAttribute('data-on') || '').split(' ').concat(names(e))) {
    const n = s.split('.')[0];
    if (C.CODES[n] && !seen[n]) {
      seen[n] = 1;
      document.addEventListener(n, handle, { capture: true, passive: false });
    }
  }
}

// Server handlers run from the target outwards like bubbling; `s` stops the walk (the DOM
// event itself keeps propagating so that page scripts and hooks still see it).
// Key events of an IME composition belong to the composed text (an Enter there picks a
// candidate): none is sent.
function handle(e) {
  if (e.isComposing && e.key || e.keyCode == 229) return;
  for (let t = e.target; t?.getAttribute; t = e.bubbles && t.parentElement) {
    if (t.dataset.js) run(t, e);
    const f = (t.getAttribute('data-on') || '').split(' ').find((s) => s.split('.')[0] == e.type);
    const [, fl = '', k] = /\.([^:]*):?(.*)/.exec(f) || [];
    if (f != null && t.dataset.hid && !(k && !k.split(',').includes(e.key))) {
      fire(e, t, fl);
      if (/s/.test(fl)) break;
    }
  }
}

function fire(e, t, fl) {
  if (/p/.test(fl)) e.preventDefault();
  const code = C.CODES[e.type];
  const go = () => send(t, code, ...payload(e, t, C.EVENTS[code - 1][1], /c/.test(fl)));
  const m = /([dt])(\d+)/.exec(fl);
  if (!m) return e.type == 'input' ? hold(t, go) : go();
  const ms = +m[2], s = t.$t || (t.$t = {}), k = s[e.type] || (s[e.type] = {});
  if (m[1] == 'd') {
    clearTimeout(k.t);
    k.t = setTimeout(go, ms);
  } else if (k.t) k.f = go;
  else {
    // Throttle: send now, then at most the latest event once per window.
    go();
    k.t = setTimeout(function tick() {
      k.t = k.f && setTimeout(tick, ms);
      if (k.f) k.f(), (k.f = 0);
    }, ms);
  }
}

// [signature, values] of the payload of class cls for event e handled by element t.
function payload(e, t, cls, coords) {
  const mods = e.shiftKey | (e.ctrlKey << 1) | (e.altKey << 2) | (e.metaKey << 3) | (e.repeat << 4);
  const c = /^(INPUT|TEXTAREA|SELECT)$/.test(e.target.tagName), s = c ? e.target : t;
  switch (cls) {
    case C.P_INPUT: {
      if (s.multiple && s.selectedOptions) {
        const v = [...s.selectedOptions].slice(0, C.MAX_FIELDS).map((o) => o.value);
        return ['bu' + 's'.repeat(v.length), [2, v.length, ...v]];
      }
      return ['bs', [s.checked ? 1 : 0, s.value ?? s.textContent]];
    }
    case C.P_FORM: {
      const f = t.closest('form') || t.form;
      const kv = f ? [...new FormData(f, e.submitter)].slice(0, C.MAX_FIELDS) : [];
      return ['u' + 'ss'.repeat(kv.length),
        [kv.length, ...kv.flatMap(([k, v]) => [k, typeof v == 'string' ? v : v.name])]];
    }
    case C.P_KEY: return ['bss', [mods, e.key || '', c ? s.value : '']];
    case C.P_POINTER: {
      const p = e.changedTouches ? e.changedTouches[0] : e, r = t.getBoundingClientRect();
      const xyb = [Math.round(p.clientX - r.left), Math.round(p.clientY - r.top), Math.max(0, e.button | 0)];
      // One meaning, one encoding: coordinates all 0 travel as "no coordinates".
      return coords && xyb.some((v) => v) ? ['biib', [mods | 128, ...xyb]] : ['b', [mods]];
    }
    case C.P_WHEEL: return ['ii', [Math.round(e.deltaX), Math.round(e.deltaY)]];
    case C.P_SCROLL: return ['uu', [num(t.scrollTop), num(t.scrollLeft)]];
    case C.P_MEDIA: return ['u', [num(t.currentTime * 1000)]];
  }
  return ['', []];
}

let hov;
const nav = (u, c = C.NAVIGATE) => send(0, c, 's', [u]);
// Where the page is, fragment included (the server's first paint cannot know it).
export const loc = () => location.pathname + location.search + location.hash;
// The path and query of the link marked data-nav (same origin, no target) event e is on,
// while connected.
const live = (e) => {
  const a = e.target.closest && e.target.closest('a[data-nav]');
  return a && a.origin == location.origin && !a.target
    && document.documentElement.classList.contains('vango-connected') && a.pathname + a.search;
};

// Back/forward and `#…` links tell the server where the page now is; a plain left click on
// a live link navigates over the socket instead of loading a page, unless the socket is
// down (then it is an ordinary link). Scroll is ours (dom.js: url). A pointer over a live
// link (a mouse entering it, a touch starting on it) asks the server to prepare its route:
// once, until another link's.
export const init = () => {
  history.scrollRestoration = 'manual';
  addEventListener('popstate', () => nav(loc()));
  addEventListener('click', (e) => {
    const u = live(e);
    if (u && !e.defaultPrevented && !e.button && !(e.metaKey || e.ctrlKey || e.shiftKey || e.altKey)) {
      e.preventDefault();
      nav(u);
    }
  });
  // pointerover: a mouse entering, or a touch (or pen) starting on, the link.
  addEventListener('pointerover', (e) => {
    const u = live(e);
    if (u && u != hov) nav(hov = u, C.PREFETCH);
  });
};
