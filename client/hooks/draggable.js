// Standard hook Draggable (loaded only by pages that use it): drag a data-hook="Draggable"
// element (kept inside its offset parent); on drop sends hook event "move" with
// {"x":left,"y":top} in pixels from its offset parent. Until the server's patch (its new
// left/top) the element is only shown moved, by a transform. Touches the element's inline
// transform and pointer capture.
const V = (window.Vango = window.Vango || {});

(V.hooks = V.hooks || {}).Draggable = {
  mounted(el, ctx) {
    el.addEventListener('pointerdown', (e) => {
      if (e.button || ctx.on_ || e.target.closest('input,textarea,select')) return;
      e.preventDefault();
      const x0 = e.clientX, y0 = e.clientY, l = el.offsetLeft, t = el.offsetTop,
        p = el.offsetParent || document.body,
        clamp = (v, max) => Math.round(Math.max(0, Math.min(v, max))),
        at = (e) => [clamp(l + e.clientX - x0, p.clientWidth - el.offsetWidth),
          clamp(t + e.clientY - y0, p.clientHeight - el.offsetHeight)];
      const move = (e) => {
        const [x, y] = at(e);
        el.style.transform = `translate(${x - l}px,${y - t}px)`;
      };
      const up = (e) => {
        el.removeEventListener('pointermove', move);
        el.removeEventListener('pointerup', up);
        el.removeEventListener('pointercancel', up);
        ctx.on_ = 0;
        const [x, y] = at(e);
        if (e.type == 'pointercancel' || (x == l && y == t)) return (el.style.transform = '');
        ctx.push('move', { x, y });
        clearTimeout(ctx.timer);
        ctx.timer = setTimeout(() => (el.style.transform = ''), 2e3);
      };
      ctx.on_ = 1;
      el.setPointerCapture(e.pointerId);
      el.addEventListener('pointermove', move);
      el.addEventListener('pointerup', up);
      el.addEventListener('pointercancel', up);
    });
  },
  // The server's patch placed the element: drop the transform that showed it there.
  updated(el, ctx) {
    if (!ctx.on_) { clearTimeout(ctx.timer); el.style.transform = ''; }
  },
  destroyed: (el, ctx) => clearTimeout(ctx.timer),
};
