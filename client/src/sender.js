// The send slot: socket.js fills it with its send(), so hooks.js and events.js, which sit
// below the socket in the import graph, can send events without importing it. Touches nothing.

// send(el, code, sig, vals): el is the handling element (null: hid 0). Live binding:
// importers see the function once socket.js has been evaluated, before boot runs.
export let send;
export const setSend = (f) => { send = f; };
