// Client hooks and islands: elements with data-hook="Name" get window.Vango.hooks[Name]
// .mounted / updated / destroyed / disconnected / reconnected(el, ctx), ctx being one per
// element (a hook keeps its state there); ctx.push(name, payload) sends a hook event,
// ctx.on(name, fn) receives HookEvent ops. An island (data-hook with data-props) gets
// window.Vango.islands[Name] with the same methods called (el, props, ctx), props parsed
// from its data-props JSON. Touches only hook and island objects, the el.$h slot and the
// hooked elements it finds in the document.
import { HOOK } from './constants.js';
import { send } from './sender.js';

const call = (el, m) => {
  const c = el.$h;
  try { c && c.h[m] && c.h[m](el, c.i ? JSON.parse(el.dataset.props) : c, c); } catch (err) { console.error(err); }
};

// Mounts el's hook once: a hook script loaded later (LoadScript) mounts the elements
// already on the page.
export function mount(el) {
  const V = window.Vango || {}, i = el.dataset.props, h = (i ? V.islands : V.hooks)?.[el.dataset.hook];
  if (!h || el.$h) return;
  const l = {};
  el.$h = {
    h, el, i,
    push: (n, p) => send(el, HOOK, 'ss', [n, typeof p == 'string' ? p : JSON.stringify(p ?? null)]),
    on: (n, f) => { l[n] = f; },
    l,
  };
  call(el, 'mounted');
}

export const update = (el) => call(el, 'updated');

export function destroy(el) {
  call(el, 'destroyed');
  el.$h = 0;
}

export function hookEvent(el, n, p) {
  const f = el.$h && el.$h.l[n];
  try { f && f(p); } catch (err) { console.error(err); }
}

// Calls method m of every mounted hook (disconnected, reconnected).
export const all = (m) => document.querySelectorAll('[data-hook]').forEach((e) => call(e, m));
