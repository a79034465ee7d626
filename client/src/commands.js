// Client commands (data-js): DOM changes bound to an event that run in the browser with no
// round trip — show/hide/toggle (the hidden attribute), classes, attributes, focus, scroll,
// dispatch a DOM event, push a hook event to the server. Touches only the elements the
// commands select; the server's next patch of the same attribute wins.
import { HOOK } from './constants.js';
import { send } from './sender.js';

// The event names e's data-js binds commands to (a key filter follows a colon).
export const names = (e) => read(e).map(([k]) => k.split(':')[0]);

// [[event, commands], ...]
const read = (e) => { try { return JSON.parse(e.dataset.js || '[]'); } catch { return []; } };

// Runs the commands t binds to event ev (`keydown:Escape,Enter`: only for those keys). A
// command's selector picks elements in the document; an empty one means t itself.
export function run(t, ev) {
  const cmds = read(t).flatMap(([k, c]) => {
    const [n, ks] = k.split(':');
    return n == ev.type && !(ks && !ks.split(',').includes(ev.key)) ? c : [];
  });
  for (const [op, s, a, b] of cmds) {
    const els = s ? document.querySelectorAll(s) : [t];
    const e0 = els[0];
    if (op == 'fo') e0?.focus();
    else if (op == 'ff') e0?.querySelector('a[href],button,input,select,textarea,[tabindex]:not([tabindex="-1"])')?.focus();
    else if (op == 'si') e0?.scrollIntoView({ block: 'nearest' });
    else if (op == 'pu') send(t, HOOK, 'ss', [a, b || '']);
    else els.forEach((e) => {
      if (op == 'sh') e.hidden = false;
      else if (op == 'hi') e.hidden = true;
      else if (op == 'to') e.hidden = !e.hidden;
      else if (op == 'ac') e.classList.add(a);
      else if (op == 'rc') e.classList.remove(a);
      else if (op == 'tc') e.classList.toggle(a);
      else if (op == 'sa') e.setAttribute(a, b);
      else if (op == 'ra') e.removeAttribute(a);
      else if (op == 'di') e.dispatchEvent(new Event(a, { bubbles: true }));
    });
  }
}
