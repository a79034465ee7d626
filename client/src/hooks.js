// Client hooks: elements with data-hook="Name" get window.Vango.hooks[Name].mounted /
// updated / destroyed(el, ctx); ctx.push(name, payload) sends a hook event, ctx.on(name, fn)
// receives HookEvent ops. Touches only hook objects and the el.$h slot.
import { HOOK } from './constants.js';
import { send } from './sender.js';

const call = (el, m) => {
  const c = el.$h;
  try { c && c.h[m] && c.h[m](el, c); } catch (err) { console.error(err); }
};

export function mount(el) {
  const h = ((window.Vango || {}).hooks || {})[el.dataset.hook];
  if (!h) return;
  const l = {};
  el.$h = {
    h, el,
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
