// DOM side of patches: the hid → element (or range) map, applying decoded ops, parsing
// inserted HTML, and keeping focus, caret and typed values across patches. Touches the
// document only.
import * as C from './constants.js';
import { bad } from './codec.js';
import { mount, update, destroy, hookEvent } from './hooks.js';
import { watch, loc } from './events.js';

export const hids = new Map();
const fresh = new Set();
const FORM = /^(INPUT|TEXTAREA|SELECT)$/;
// Lists of nodes put in the page whose hids are not in `hids` yet. Reading them is left
// until a lookup misses or the page is idle: the frame that shows 10,000 new rows should
// not wait for 70,000 hids to be read.
let pend = [];
const sync = () => pend.splice(0).forEach((a) => a.forEach((n) => n.isConnected && each(n, (x, h) => hids.set(h, x))));
const look = (h) => hids.get(h) || pend[0] && (sync(), hids.get(h));
const el = (h) => look(h) || bad('unknown hid ' + h);

// History: a push remembers the scroll of the entry it leaves (y0: before this frame's
// ops shrank the page) and starts at the top; the server pushing the URL already shown
// (the answer to back/forward) is a replace that restores the scroll that entry remembered.
function url(r, u, y0) {
  const st = history.state;
  if (r || u == loc()) {
    history.replaceState(st, '', u);
    if (!r) scrollTo(0, st?.y || 0);
  } else {
    history.replaceState({ y: y0 }, '');
    history.pushState(null, '', u);
    scrollTo(0, 0);
  }
}
const act = () => document.activeElement;

// Ranges (PROTOCOL.md): <!--h:N--> starts the children of component N, <!--/h--> ends the
// innermost open one. A range is addressed like an element (by its start comment) and
// counts as one child of its parent.
const isStart = (n) => n.nodeType == 8 && n.data[0] == 'h';
const isEnd = (n) => n.nodeType == 8 && n.data == '/h';
// The last node of child n: a range's end comment, or n itself.
const last = (n) => {
  for (let d = 0, m = n; isStart(n) && (m = m.nextSibling);) {
    if (isStart(m)) d++;
    else if (isEnd(m) && !d--) return m;
  }
  return n;
};
// The nodes of child n, in order.
const span = (n) => {
  const a = [n], e = last(n);
  while (n != e) a.push(n = n.nextSibling);
  return a;
};
// During apply, the child lists read so far (container → list), kept in step with the ops
// that remove and move: a run of them on one long list walks it once, not once per op.
let lists;
// The children of x (an element or a range), one node each.
const kids = (x) => {
  let a = lists.get(x), n = isStart(x) ? x.nextSibling : x.firstChild;
  if (!a) for (lists.set(x, a = []); n && !isEnd(n); n = last(n).nextSibling) a.push(n);
  return a;
};
const kid = (p, i) => kids(p)[i] || bad('no child ' + i);
// The node of the real parent that child i of x goes before (null: the end).
const at = (x, i, k = kids(x)) => i > k.length ? bad('no child ' + i) : k[i] || (isStart(x) ? last(x) : null);
const home = (x) => isStart(x) ? x.parentNode : x;

// Calls f(x, hid) for each element carrying a hid in n (n included) and each range start
// comment, in document order.
const each = (n, f) => {
  for (let w = document.createTreeWalker(n, 129), h; n; n = w.nextNode()) {
    h = n.getAttribute ? n.getAttribute('data-hid') : isStart(n) && n.data.slice(2);
    h && f(n, +h);
  }
};

// The elements in n that listen or have a hook.
const live = (n) => n.querySelectorAll('[data-on],[data-js],[data-hook]');
// Takes in the nodes a put in the page (n's, by default) and the elements w among them that
// listen or have a hook: their event names and hooks at once (the user may act before
// the hids are read), the hids later.
export const index = (n, a = [n], w = live(n)) => {
  w.forEach((x) => {
    watch(x);
    if (x.dataset.hook) { mount(x); fresh.add(x); }
  });
  pend.push(a) < 2 && (self.requestIdleCallback || setTimeout)(sync);
};

const unindex = (n) => each(n, (x, h) => { hids.get(h) == x && hids.delete(h); destroy(x); });

// Removes child n (all its nodes).
const drop = (n) => span(n).forEach((m) => { unindex(m); m.remove(); });

// Parses server HTML as children of parent p: inside an SVG or MathML parent (but not
// below an HTML integration point, whose children are HTML) through a wrapper of that
// namespace, as the first paint's parser would read them there (`<Math>` is `<math>`: tag
// names are case-insensitive).
export const parse = (html, p) => {
  const t = document.createElement('template');
  const w = p && !/^(foreignObject|desc|title|mi|mo|mn|ms|mtext)$/.test(p.localName) && /svg|Math/.exec(p.namespaceURI)?.[0];
  t.innerHTML = w ? `<${w}>${html}</${w}>` : html;
  const f = t.content;
  if (w) f.replaceChildren(...f.firstChild.childNodes);
  return f;
};

// Inserts fragment-producing html via put(fragment), then takes in the new nodes.
const ins = (html, p, put) => {
  const f = parse(html, p), a = [...f.childNodes], w = live(f);
  put(f);
  index(f, a, w);
};

const replace = (old, html) => {
  const p = old.parentNode;
  ins(html, p, (f) => p.insertBefore(f, old));
  drop(old);
};

// Mirrors attribute changes to the live property where browsers keep them apart; a focused
// field keeps what the user is typing. A checkbox's or radio's value is its attribute
// ("on" once removed).
const prop = (e, n, v) => {
  if (n == 'value' && FORM.test(e.tagName) && e != act() && !(v == null && /^(checkbox|radio)$/.test(e.type))) e.value = v ?? '';
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
  const a = act(), ah = a?.dataset?.hid, v = a?.value;
  let ss, se;
  try { ss = a.selectionStart; se = a.selectionEnd; } catch {}
  const touched = new Set(), y0 = scrollY;
  fresh.clear();
  lists = new Map();
  for (let i = 0; i < ops.length; i++) {
    const [op, x, y, z] = ops[i];
    const e = op < C.PUSH_URL && el(x);
    if (e) touched.add((op == C.REPLACE_NODE || !e.closest ? e.parentElement : e)?.closest('[data-hook]'));
    const p = e && home(e);
    switch (op) {
      case C.SET_TEXT: {
        const n = kid(e, y);
        if (n.nodeType != 3) bad('not text');
        n.data = z;
        break;
      }
      case C.SET_ATTR: e.setAttribute(y, z); prop(e, y, z); watch(e); break;
      case C.REMOVE_ATTR: e.removeAttribute(y); prop(e, y); break;
      case C.SET_PROP_STR: case C.SET_PROP_BOOL: setProp(e, y, z); break;
      // A run of inserts into one parent at consecutive indices is parsed as one HTML string
      // and inserted as one fragment (not a text then a text: they would parse as one
      // node); the parent's child list is read again when an op needs it.
      case C.INSERT_CHILD: {
        let h = z;
        for (let o, j = y; (o = ops[i + 1]) && o[0] == op && o[1] == x && o[2] == ++j && o[3][0] == '<'; i++) h += o[3];
        ins(h, p, (f) => p.insertBefore(f, at(e, y)));
        lists.delete(e);
        break;
      }
      case C.REMOVE_CHILD: drop(kids(e).splice(y, 1)[0] || bad('no child ' + y)); break;
      case C.MOVE_CHILD: {
        const a = kids(e), n = a.splice(y, 1)[0] || bad('no child ' + y), r = at(e, z, a);
        a.splice(z, 0, n);
        // moveBefore keeps focus and element state where the browser has it.
        span(n).forEach((m) => (p.moveBefore || p.insertBefore).call(p, m, r));
        break;
      }
      case C.REPLACE_CHILD: replace(kid(e, y), z); break;
      case C.REPLACE_NODE: replace(e, y); break;
      // Element parents only (a range's children come as RemoveChild ops). The children go
      // at once; their hids leave the index in one pass over it, not a walk of the removed
      // nodes.
      case C.CLEAR_CHILDREN:
        e.querySelectorAll('[data-hook]').forEach(destroy);
        e.textContent = '';
        hids.forEach((n, h) => n.isConnected || hids.delete(h));
        break;
      case C.SET_INNER_HTML: kids(e).forEach(drop); lists.clear(); ins(y, p, (f) => p.insertBefore(f, at(e, 0))); break;
      case C.PUSH_URL: url(x, y, y0); break;
      case C.HOOK_EVENT: hookEvent(el(x), y, z); break;
      case C.FOCUS: el(x).focus(); break;
      case C.SET_TITLE: document.title = x; break;
      // The answer's Set-Cookie stores the session's cookie writes (PROTOCOL.md).
      case C.COOKIE_TICKET: fetch('/_vango/cookie', { method: 'POST', body: x }); break;
      // A hook script the page needs (after a live navigation): its hooks mount once loaded.
      // (a module import: loaded and run once per URL).
      case C.LOAD_SCRIPT: import(x).then(() => index(document.documentElement));
    }
    // Once its value was set (by the user, or here), a textarea no longer follows its
    // text: after its children change it is given their text again, as a fresh page
    // shows, unless it has focus (the user's typing wins, as for a value patch).
    // Ops that replace nodes may have changed any list.
    op > C.MOVE_CHILD && lists.clear();
    if (e?.tagName == 'TEXTAREA' && e != act() && (op == C.SET_TEXT || op > C.SET_PROP_BOOL) && op != C.REPLACE_NODE) e.value = e.textContent;
  }
  lists.clear();
  // Idiomorph-style focus keeping: the focused field, or its stand-in with the same hid in
  // replacing HTML, gets focus, caret and (unless the server changed it) the typed value;
  // only when the patch left focus nowhere, so a Focus op or a hook's focus() wins.
  if (a && a != act() && act() == document.body) {
    const n = a.isConnected ? a : (ah && look(+ah)) || (a.id && document.getElementById(a.id));
    if (n && n.tagName == a.tagName) {
      if (n != a && FORM.test(n.tagName) && n.value == a.defaultValue) n.value = v;
      n.focus();
      try { n.setSelectionRange(ss, se); } catch {}
    }
  }
  touched.forEach((t) => t?.isConnected && !fresh.has(t) && update(t));
}
