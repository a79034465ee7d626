// Standard hook Dropdown (loaded only by pages that use it): in a data-hook="Dropdown"
// element, its [data-toggle] (else its first button) opens and closes its [data-menu]
// (else its last child) by the `hidden` attribute; a click outside or Escape closes it,
// arrow keys move between the menu's items, and choosing an item with data-value closes
// the menu and sends hook event "select" with that value. Touches the toggle's
// aria-expanded, the menu's hidden attribute, focus, and one document click listener.
const V = (window.Vango = window.Vango || {});
const parts = (el) => [el.querySelector('[data-toggle]') || el.querySelector('button'),
  el.querySelector('[data-menu]') || el.lastElementChild];

(V.hooks = V.hooks || {}).Dropdown = {
  mounted(el, ctx) {
    const set = (open) => {
      const [b, m] = parts(el);
      if (!m || m == b) return;
      m.hidden = !open;
      b && b.setAttribute('aria-expanded', open);
    };
    const items = () => [...parts(el)[1].querySelectorAll('[data-value],a[href],button:not([disabled])')];
    set(false);
    el.addEventListener('click', (e) => {
      const [b, m] = parts(el), v = e.target.closest('[data-value]');
      if (b && b.contains(e.target)) set(m.hidden);
      else if (v && m.contains(v)) {
        set(false);
        ctx.push('select', v.dataset.value);
        b && b.focus();
      }
    });
    el.addEventListener('keydown', (e) => {
      const [b, m] = parts(el);
      if (e.key == 'Escape' && !m.hidden) {
        set(false);
        b && b.focus();
      } else if (e.key == 'ArrowDown' || e.key == 'ArrowUp') {
        e.preventDefault();
        set(true);
        const a = items(), i = a.indexOf(document.activeElement);
        const k = e.key == 'ArrowDown' ? (i + 1) % a.length : (i < 1 ? a.length : i) - 1;
        a[k] && a[k].focus();
      }
    });
    document.addEventListener('click', (ctx.out = (e) => el.contains(e.target) || set(false)));
  },
  destroyed: (el, ctx) => document.removeEventListener('click', ctx.out),
};
