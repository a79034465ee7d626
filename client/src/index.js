// Boot: index the server-rendered DOM, start delegation and connect. Touches window.Vango.
import { index } from './dom.js';
import { init } from './events.js';
import { connect, sock } from './socket.js';

const V = (window.Vango = window.Vango || {});
V.hooks = V.hooks || {};
V.ws = sock;
const start = () => {
  index(document.documentElement);
  init();
  connect();
};
document.readyState == 'loading' ? addEventListener('DOMContentLoaded', start) : start();
