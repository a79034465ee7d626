// Standard hook Sortable (loaded only by pages that use it): drag a child of a
// data-hook="Sortable" element (or its [data-handle], when it has one) to reorder; on drop
// sends hook event "sort" with the children's data-id (else their old index) in the new
// order. The DOM order is the server's: while dragging and until the server's patch (or
// 2 s) the items are only shown moved, by transforms. data-axis="x" for a row. Touches the
// children's inline transform, position and z-index, and pointer capture on the element.
const V = (window.Vango = window.Vango || {});
const reset = (el) => [...el.children].forEach((c) => { c.style.transform = c.style.position = c.style.zIndex = ''; });

(V.hooks = V.hooks || {}).Sortable = {
  mounted(el, ctx) {
    el.addEventListener('pointerdown', (e) => {
      const t = e.target, items = [...el.children], item = items.find((c) => c.contains(t));
      if (!item || e.button || ctx.on_ || t.closest('input,textarea,select') ||
        (el.querySelector('[data-handle]') && !t.closest('[data-handle]'))) return;
      e.preventDefault();
      clearTimeout(ctx.timer);
      reset(el);
      const x = el.dataset.axis == 'x', P = x ? 'clientX' : 'clientY', T = x ? 'left' : 'top',
        B = x ? 'right' : 'bottom', r = items.map((c) => c.getBoundingClientRect()),
        i = items.indexOf(item), p0 = e[P],
        // How far an item moves to make room: the dragged one's size and the gap.
        step = r[i][B] - r[i][T] + (r.length > 1 ? r[1][T] - r[0][B] : 0),
        tr = (c, d) => { c.style.transform = d ? `translate${x ? 'X' : 'Y'}(${d}px)` : ''; };
      let j = i;
      const move = (e) => {
        const d = e[P] - p0, mid = (k) => (r[k][T] + r[k][B]) / 2, c = mid(i) + d;
        j = items.filter((_, k) => k != i && mid(k) < c).length;
        items.forEach((c, k) => k != i && tr(c, k > i && k <= j ? -step : k < i && k >= j ? step : 0));
        tr(item, d);
      };
      const up = (e) => {
        el.removeEventListener('pointermove', move);
        el.removeEventListener('pointerup', up);
        el.removeEventListener('pointercancel', up);
        ctx.on_ = 0;
        if (j == i || e.type == 'pointercancel') return reset(el);
        // The dragged item rests in its slot until the server's patch reorders the DOM.
        tr(item, j > i ? r[j][B] - r[i][B] : r[j][T] - r[i][T]);
        const order = items.map((c, k) => c.dataset.id ?? String(k));
        order.splice(j, 0, order.splice(i, 1)[0]);
        ctx.push('sort', order);
        ctx.timer = setTimeout(() => reset(el), 2e3);
      };
      ctx.on_ = 1;
      Object.assign(item.style, { position: 'relative', zIndex: 1 });
      el.setPointerCapture(e.pointerId);
      el.addEventListener('pointermove', move);
      el.addEventListener('pointerup', up);
      el.addEventListener('pointercancel', up);
    });
  },
  // The server's patch (the new order) is applied: the transforms have done their job.
  updated(el, ctx) {
    if (!ctx.on_) { clearTimeout(ctx.timer); reset(el); }
  },
  destroyed: (el, ctx) => clearTimeout(ctx.timer),
};
