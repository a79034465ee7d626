// Optimistic updates: data-opt-class / data-opt-text / data-opt-attr applied when an
// element's event is sent; returns the undo run when the server answers or rejects it.
// Touches only the element that handled the event.
export function optimistic(el) {
  const d = el && el.dataset, undo = [];
  if (!d) return;
  if (d.optClass) {
    for (const c of d.optClass.split(' ')) el.classList.toggle(c);
    undo.push(() => d.optClass.split(' ').forEach((c) => el.classList.toggle(c)));
  }
  if (d.optText != null) {
    const kids = [...el.childNodes];
    el.textContent = d.optText;
    undo.push(() => el.replaceChildren(...kids));
  }
  if (d.optAttr) {
    const i = d.optAttr.indexOf('='), n = d.optAttr.slice(0, i), old = el.getAttribute(n);
    el.setAttribute(n, d.optAttr.slice(i + 1));
    undo.push(() => (old == null ? el.removeAttribute(n) : el.setAttribute(n, old)));
  }
  return undo.length ? () => undo.reverse().forEach((f) => f()) : 0;
}
