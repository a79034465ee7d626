// DOM side of patches: the hid → element map, applying decoded ops, parsing inserted HTML,
// and keeping focus, caret and typed values across patches. Touches the document only.
import * as C from './constants.js';
import { bad } from './codec.js';
import { mount, update, destroy, hookEvent } from './hooks.js';
import { watch } from './events.js';

export const hids = new Map();
const fresh = new Set();
const FORM = /^(INPUT|TEXTAREA|SELECT)$/;

const el = (h) => hids.get(h) || bad('unknown hid ' + h);

// History: a push remembers the scroll of the entry it leaves (y0: before this frame's
// ops shrank the page) and starts at the top; the server pushing the URL already shown
// (the answer to back/forward) is a replace that restores the scroll that entry remembered.
function url(r, u, y0) {
  const st = history.state, here = u == location.pathname + location.search;
  if (r || here) {
    history.replaceState(st, '', u);
    if (!r) scrollTo(0, (st && st.y) || 0);
  } else {
    history.replaceState({ y: y0 }, '');
    history.pushState(null, '', u);
    scrollTo(0, 0);
  }
}
const kid = (p, i) => p.childNodes[i] || bad('no child ' + i);
const act = () => document.activeElement;

// Calls f on n and on every element below it that carries a hid.
const each = (n, f) => {
  if (n.querySelectorAll) {
    if (n.dataset.hid) f(n);
    n.querySelectorAll('[data-hid]').forEach(f);
  }
};

export const index = (n) => each(n, (e) => {
  hids.set(+e.dataset.hid, e);
  watch(e);
  if (e.dataset.hook) { mount(e); fresh.add(e); }
});

const unindex = (n) => each(n, (e) => {
  const h = +e.dataset.hid;
  if (hids.get(h) == e) hids.delete(h);
  destroy(e);
});

// Parses server HTML as children of parent p: inside an SVG or MathML parent (but not
// below an HTML integration point, whose children are HTML) through a wrapper of that
// namespace, as the first paint's parser would read them there.
const FOREIGN = { 'http://www.w3.org/2000/svg': 'svg', 'http://www.w3.org/1998/Math/MathML': 'math' };
export const parse = (html, p) => {
  const t = document.createElement('template');
  const w = p && !/^(foreignObject|desc|title|mi|mo|mn|ms|mtext)$/.test(p.localName) && FOREIGN[p.namespaceURI];
  t.innerHTML = w ? `<${w}>${html}</${w}>` : html;
  const f = t.content;
  if (w) f.replaceChildren(...f.firstChild.childNodes);
  return f;
};

// Inserts fragment-producing html via put(fragment), then indexes the new nodes.
const ins = (html, p, put) => {
  const f = parse(html, p), nodes = [...f.childNodes];
  put(f);
  nodes.forEach(index);
};

const replace = (old, html) => {
  unindex(old);
  ins(html, old.parentNode, (f) => old.replaceWith(f));
};

// Mirrors attribute changes to the live property where browsers keep them apart; a focused
// field keeps what the user is typing.
const prop = (e, n, v) => {
  if (n == 'value' && FORM.test(e.tagName) && e != act()) e.value = v ?? '';
  if (n == 'checked' || n == 'selected') e[n] = v != null;
};

// Sets a property, keeping the caret where it was when the element has focus.
const setProp = (e, n, v) => {
  if (e[n] === v) return;
  const s = e.selectionStart, t = e.selectionEnd;
  e[n] = v;
  if (e == act()) try { e.setSelectionRange(s, t); } catch {}
};

// Applies the ops of one Patches frame in order. Throws if an op does not fit the DOM.
export function apply(ops) {
  const a = act(), ah = a && a.dataset && a.dataset.hid, v = a && a.value;
  let ss, se, moved = 0;
  try { ss = a.selectionStart; se = a.selectionEnd; } catch {}
  const touched = new Set(), y0 = scrollY;
  fresh.clear();
  for (const [op, x, y, z] of ops) {
    const e = op < C.PUSH_URL && el(x);
    if (e) touched.add((op == C.REPLACE_NODE ? e.parentElement : e)?.closest('[data-hook]'));
    switch (op) {
      case C.SET_TEXT: {
        const n = kid(e, y);
        if (n.nodeType != 3) bad('not text');
        n.data = z;
        if (e.tagName == 'TEXTAREA' && e != act()) e.value = z;
        break;
      }
      case C.SET_ATTR: e.setAttribute(y, z); prop(e, y, z); watch(e); break;
      case C.REMOVE_ATTR: e.removeAttribute(y); prop(e, y); break;
      case C.SET_PROP_STR: case C.SET_PROP_BOOL: setProp(e, y, z); break;
      case C.INSERT_CHILD:
        if (y > e.childNodes.length) bad('no child ' + y);
        ins(z, e, (f) => e.insertBefore(f, e.childNodes[y] || null));
        break;
      case C.REMOVE_CHILD: { const n = kid(e, y); unindex(n); n.remove(); break; }
      case C.MOVE_CHILD: {
        const n = kid(e, y), rest = [...e.childNodes].filter((c) => c != n);
        if (z > rest.length) bad('no child ' + z);
        // moveBefore keeps focus and element state where the browser has it.
        (e.moveBefore || e.insertBefore).call(e, n, rest[z] || null);
        break;
      }
      case C.REPLACE_CHILD: replace(kid(e, y), z); break;
      case C.REPLACE_NODE: replace(e, y); break;
      case C.SET_INNER_HTML:
        [...e.childNodes].forEach(unindex);
        e.innerHTML = y;
        [...e.childNodes].forEach(index);
        break;
      case C.PUSH_URL: url(x, y, y0); break;
      case C.HOOK_EVENT: hookEvent(el(x), y, z); break;
      case C.FOCUS: el(x).focus(); moved = 1; break;
      case C.SET_TITLE: document.title = x; break;
      // The answer's Set-Cookie stores the session's cookie writes (PROTOCOL.md).
      case C.COOKIE_TICKET: fetch('/_vango/cookie', { method: 'POST', body: x });
    }
  }
  // Idiomorph-style focus keeping: the focused field, or its stand-in with the same hid in
  // replacing HTML, gets focus, caret and (unless the server changed it) the typed value.
  if (a && a != act() && !moved) {
    const n = a.isConnected ? a : (ah && hids.get(+ah)) || (a.id && document.getElementById(a.id));
    if (n && n.tagName == a.tagName) {
      if (n != a && FORM.test(n.tagName) && n.value == a.defaultValue) n.value = v;
      n.focus();
      try { n.setSelectionRange(ss, se); } catch {}
    }
  }
  touched.forEach((t) => t && t.isConnected && !fresh.has(t) && update(t));
}
