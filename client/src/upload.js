// Upload script (/_vango/upload.js, its own bundle, loaded only by pages with uploads): the
// VangoUpload hook of an <input type=file data-upload=KEY>. On change it announces the files
// (Upload frame 0x07, Begin); the server answers with `ack` hook events "xfer,file,offset,
// window" and it sends that file's bytes in 32 KiB chunks up to offset + window; `stop` ends
// the transfer. Touches the input, File.slice and the core's open socket (Vango.ws()).
const CHUNK = 32768;
const utf8 = new TextEncoder();
let n = 0; // transfer numbers, unique in this page

// Client → server Upload frame: 0x07, kind, then varints/strings, then raw bytes.
const frame = (kind, vals, data) => {
  const out = [7, kind];
  const uv = (v) => {
    for (; v > 127; v = Math.floor(v / 128)) out.push((v % 128) | 128);
    out.push(v);
  };
  for (const v of vals) {
    if (typeof v == 'string') {
      const b = utf8.encode(v).slice(0, 1024);
      uv(b.length);
      out.push(...b);
    } else uv(v);
  }
  const head = Uint8Array.from(out);
  if (!data) return head;
  const f = new Uint8Array(head.length + data.length);
  f.set(head);
  f.set(data, head.length);
  return f;
};

const send = (b) => {
  const w = window.Vango.ws();
  return w && (w.send(b), 1);
};

// A name cut to whole characters within the server's string limit.
const short = (s) => (s.length > 200 ? s.slice(0, 200) : s);

const V = (window.Vango = window.Vango || {});
V.hooks = V.hooks || {};
V.hooks.VangoUpload = {
  mounted(el, ctx) {
    const key = +el.dataset.upload;
    let cur = 0; // {id, files, file, sent, limit, busy}
    const pump = async () => {
      const t = cur;
      if (!t || t.busy) return;
      t.busy = 1;
      try {
        for (;;) {
          const f = t.files[t.file];
          if (cur != t || !f || t.sent >= Math.min(t.limit, f.size)) break;
          const a = t.sent, b = Math.min(a + CHUNK, t.limit, f.size);
          const data = new Uint8Array(await f.slice(a, b).arrayBuffer());
          if (cur != t) break;
          if (!send(frame(1, [key, t.id, t.file, a], data))) break;
          t.sent = b;
        }
      } finally { t.busy = 0; }
    };
    el.$up = () => cur && send(frame(2, [key, cur.id]));
    el.addEventListener('change', () => {
      el.$up();
      const files = [...el.files].slice(0, 256);
      cur = { id: ++n, files, file: -1, sent: 0, limit: 0 };
      const meta = [];
      files.forEach((f) => meta.push(short(f.name), f.size, f.type || ''));
      send(frame(0, [key, cur.id, files.length, ...meta]));
    });
    ctx.on('ack', (p) => {
      const [id, file, off, win] = p.split(',').map(Number);
      if (!cur || cur.id != id) return;
      if (file != cur.file) { cur.file = file; cur.sent = off; }
      cur.limit = off + win;
      pump();
    });
    ctx.on('stop', (p) => { if (cur && cur.id == +p) cur = 0; });
  },
  destroyed(el) { el.$up && el.$up(); },
};
