// Wire constants shared by every client file: frame types, op codes, payload classes, the
// event table (mirror of EVENTS in src/vdom/event.rs) and close codes. Touches nothing.

export const VERSION = 3;

// Client → server frame types.
export const HELLO = 1, EVENT = 2, PING = 3, PONG = 4, RESYNC = 5, CLOSE = 6;
// Server → client frame types.
export const S_HELLO = 0x81, PATCHES = 0x82, ACK = 0x83, S_PING = 0x84, S_PONG = 0x85,
  REJECT = 0x86, S_CLOSE = 0x87, S_ERROR = 0x88;

// Patch op codes.
export const SET_TEXT = 1, SET_ATTR = 2, REMOVE_ATTR = 3, SET_PROP_STR = 4, SET_PROP_BOOL = 5,
  INSERT_CHILD = 6, REMOVE_CHILD = 7, MOVE_CHILD = 8, REPLACE_CHILD = 9, REPLACE_NODE = 10,
  SET_INNER_HTML = 11, CLEAR_CHILDREN = 12, PUSH_URL = 0x20, HOOK_EVENT = 0x21, FOCUS = 0x22, SET_TITLE = 0x23,
  COOKIE_TICKET = 0x24, LOAD_SCRIPT = 0x2d;

// Payload classes (Payload in event.rs) and the three special event codes.
export const P_NONE = 0, P_INPUT = 1, P_FORM = 2, P_KEY = 3, P_POINTER = 4, P_WHEEL = 5,
  P_SCROLL = 6, P_MEDIA = 7;
export const HOOK = 0xf0, NAVIGATE = 0xf1, PREFETCH = 0xf2;

// Close/error codes whose cause would repeat if the pending events were resent.
export const C_MALFORMED = 2, C_TOO_LARGE = 3, C_UNKNOWN = 10;
// Close codes that change how the client reconnects: a refused token, a server going down.
export const C_FORBIDDEN = 4, C_SHUTDOWN = 9;

// Limits of PROTOCOL.md the client enforces on what it sends or accepts.
export const MAX_C2S = 65536, MAX_C2S_STR = 16384, MAX_FIELDS = 256, MAX_OPS = 100000;

// EVENTS[i] = [name, payload class]; wire code is i + 1. Kept as one string (a digit after
// each name is its class) because it is the largest constant in the bundle.
export const EVENTS = ('click4 dblclick4 mousedown4 mouseup4 mousemove4 mouseover4 mouseout4 ' +
  'mouseenter4 mouseleave4 contextmenu4 auxclick4 wheel5 pointerdown4 pointerup4 pointermove4 ' +
  'pointerover4 pointerout4 pointerenter4 pointerleave4 pointercancel4 gotpointercapture4 ' +
  'lostpointercapture4 keydown3 keyup3 keypress3 touchstart4 touchend4 touchmove4 touchcancel4 ' +
  'input1 change1 submit2 reset0 invalid1 select1 beforeinput1 focus0 blur1 focusin0 focusout1 ' +
  'drag4 dragstart4 dragend4 dragenter4 dragleave4 dragover4 drop4 copy0 cut0 paste0 play7 ' +
  'pause7 playing7 ended7 timeupdate7 volumechange7 seeking7 seeked7 loadeddata7 ' +
  'loadedmetadata7 canplay7 canplaythrough7 waiting7 durationchange7 ratechange7 stalled7 ' +
  'suspend7 emptied7 progress7 load0 error0 abort0 scroll6 scrollend6 toggle0 animationstart0 ' +
  'animationend0 animationiteration0 transitionstart0 transitionend0 transitionrun0 ' +
  'transitioncancel0 compositionstart1 compositionupdate1 compositionend1')
  .split(' ').map((s) => [s.slice(0, -1), +s.slice(-1)]);

// Event name → wire code.
export const CODES = Object.fromEntries(EVENTS.map(([n], i) => [n, i + 1]));
