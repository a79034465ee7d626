// The send slot: socket.js fills it with its send(), so hooks.js and events.js, which sit
// below the socket in the import graph, can send events without importing it; and the
// held input event, sent before anything else so that events keep their order. Touches
// one timer.

let held, timer;

// Sends the held input event now, if any.
const flush = () => {
  const f = held;
  held = 0;
  clearTimeout(timer);
  f && f();
};

// send(el, code, sig, vals): el is the handling element (null: hid 0). Live binding:
// importers see the function once socket.js has been evaluated, before boot runs.
export let send;
export const setSend = (f) => { send = (...a) => { flush(); f(...a); }; };

// Holds input event go() of element t for at most 50 ms, a later one of the same element
// replacing it (it reads the value when sent), so typing at any speed sends at most 20
// events a second per field, well under the server's rate limit.
export const hold = (t, go) => {
  if (held && held.t != t) flush();
  if (!held) timer = setTimeout(flush, 50);
  held = go;
  go.t = t;
};
