// Standard hook Tooltip (loaded only by pages that use it): a data-hook="Tooltip" element
// shows its data-tooltip text in a tooltip (role="tooltip", class vango-tooltip, styled by
// a low-specificity default the page's CSS overrides) while hovered or focused; Escape
// hides it. Touches the tooltip node (in body), one <style>, and the element's
// aria-describedby.
const V = (window.Vango = window.Vango || {});
let n = 0;

const place = (el, t) => {
  const r = el.getBoundingClientRect(), w = t.offsetWidth, h = t.offsetHeight;
  const top = r.top - h - 6 < 0 ? r.bottom + 6 : r.top - h - 6;
  t.style.top = top + 'px';
  t.style.left = Math.max(4, Math.min(r.left + r.width / 2 - w / 2, innerWidth - w - 4)) + 'px';
};

(V.hooks = V.hooks || {}).Tooltip = {
  mounted(el, ctx) {
    if (!document.getElementById('vango-tooltip-css')) {
      const s = document.createElement('style');
      s.id = 'vango-tooltip-css';
      s.textContent = ':where(.vango-tooltip){position:fixed;z-index:1000;pointer-events:none;' +
        'background:#222;color:#fff;padding:4px 8px;border-radius:4px;font:13px/1.3 sans-serif;max-width:20em}';
      document.head.append(s);
    }
    const t = (ctx.tip = document.createElement('div'));
    t.className = 'vango-tooltip';
    t.setAttribute('role', 'tooltip');
    t.id = 'vango-tooltip-' + ++n;
    const show = () => {
      t.textContent = el.dataset.tooltip || '';
      if (!t.textContent) return;
      document.body.append(t);
      el.setAttribute('aria-describedby', t.id);
      place(el, t);
    };
    const hide = () => t.remove();
    el.addEventListener('mouseenter', show);
    el.addEventListener('focusin', show);
    el.addEventListener('mouseleave', hide);
    el.addEventListener('focusout', hide);
    el.addEventListener('keydown', (e) => e.key == 'Escape' && hide());
  },
  // The server changed the text (or the element moved): follow it.
  updated(el, ctx) {
    const t = ctx.tip;
    if (t.isConnected) {
      t.textContent = el.dataset.tooltip || '';
      place(el, t);
    }
  },
  destroyed: (el, ctx) => ctx.tip.remove(),
};
