package webglobals

// urlSource evaluates to a factory that, given the Go helpers (encode, decode, toASCII),
// returns {URL, URLSearchParams}. It follows the WHATWG URL standard's parser for what
// scripts use: special schemes (http, https, ws, wss, ftp, file) with their default ports,
// dot segments, IPv4 numbers, percent-encode sets, opaque paths and relative resolution.
// Not covered: full IPv6 compression, UTS #46 mapping beyond lower-casing, Windows drive
// letters in file URLs.
const urlSource = `(function (H) {
'use strict';
const defaultPorts = { ftp: 21, file: null, http: 80, https: 443, ws: 80, wss: 443 };
const isSpecial = (scheme) => Object.prototype.hasOwnProperty.call(defaultPorts, scheme);
const FAIL = {};
function fail() { throw FAIL; }
// The error must not show a password given in the URL.
function invalid(input) {
  const shown = String(input).replace(/^([^:\/?#]*:\/\/)[^\/?#]*@/, '$1***@');
  const e = new TypeError('Invalid URL: ' + JSON.stringify(shown));
  e.input = shown;
  e.code = 'ERR_INVALID_URL';
  return e;
}
function record(scheme) {
  return { scheme, username: '', password: '', host: null, port: null, path: [], opaque: false, query: null, fragment: null };
}
function copy(r) { const c = Object.assign({}, r); c.path = r.opaque ? r.path : r.path.slice(); return c; }

const forbiddenHost = /[\u0000\t\n\r #\/:<>?@\[\\\]^|]/;
const forbiddenDomain = /[\u0000-\u001f #%\/:<>?@\[\\\]^|\u007f]/;

function parseIPv4Number(s) {
  if (s === '') return NaN;
  let radix = 10;
  if (/^0[xX]/.test(s)) { s = s.slice(2); radix = 16; if (s === '') return 0; }
  else if (s.length > 1 && s[0] === '0') { s = s.slice(1); radix = 8; }
  const re = radix === 16 ? /^[0-9a-fA-F]+$/ : radix === 8 ? /^[0-7]+$/ : /^[0-9]+$/;
  if (!re.test(s)) return NaN;
  return parseInt(s, radix);
}
function endsInNumber(host) {
  const parts = host.split('.');
  if (parts[parts.length - 1] === '') { if (parts.length === 1) return false; parts.pop(); }
  const last = parts[parts.length - 1];
  if (/^[0-9]+$/.test(last)) return true;
  return !isNaN(parseIPv4Number(last));
}
function parseIPv4(host) {
  const parts = host.split('.');
  if (parts[parts.length - 1] === '' && parts.length > 1) parts.pop();
  if (parts.length > 4) fail();
  const nums = parts.map(parseIPv4Number);
  if (nums.some((n) => isNaN(n))) fail();
  for (let i = 0; i < nums.length - 1; i++) if (nums[i] > 255) fail();
  if (nums[nums.length - 1] >= Math.pow(256, 5 - nums.length)) fail();
  let ip = nums[nums.length - 1];
  for (let i = 0; i < nums.length - 1; i++) ip += nums[i] * Math.pow(256, 3 - i);
  const out = [];
  for (let i = 0; i < 4; i++) { out.unshift(String(ip % 256)); ip = Math.floor(ip / 256); }
  return out.join('.');
}
function parseHost(input, special) {
  if (input[0] === '[') {
    if (input[input.length - 1] !== ']' || !/^[0-9a-fA-F:.]+$/.test(input.slice(1, -1)) || input.indexOf(':') < 0) fail();
    return input.toLowerCase();
  }
  if (!special) {
    if (forbiddenHost.test(input)) fail();
    return H.encode(input, 'c0');
  }
  let domain = H.decode(input).toLowerCase();
  if (/[^\u0000-\u007f]/.test(domain)) {
    try { domain = H.toASCII(domain); } catch (e) { fail(); }
  }
  if (domain === '' || forbiddenDomain.test(domain)) fail();
  if (endsInNumber(domain)) return parseIPv4(domain);
  return domain;
}
function parsePort(s, scheme) {
  if (s === '') return null;
  if (!/^[0-9]+$/.test(s)) fail();
  const n = parseInt(s, 10);
  if (n > 65535) fail();
  return defaultPorts[scheme] === n ? null : n;
}
const isSingleDot = (s) => s === '.' || s.toLowerCase() === '%2e';
const isDoubleDot = (s) => { s = s.toLowerCase(); return s === '..' || s === '.%2e' || s === '%2e.' || s === '%2e%2e'; };
// pushPath appends a path (without its leading slash) to segments, resolving dot segments.
function pushPath(segments, input, special) {
  const parts = input.split(special ? /[\/\\]/ : '/');
  parts.forEach((seg, i) => {
    const last = i === parts.length - 1;
    if (isDoubleDot(seg)) {
      segments.pop();
      if (last) segments.push('');
    } else if (isSingleDot(seg)) {
      if (last) segments.push('');
    } else {
      segments.push(H.encode(seg, 'path'));
    }
  });
  return segments;
}
// splitRest cuts what follows the authority into path, query and fragment.
function splitRest(s) {
  let fragment = null, query = null;
  const h = s.indexOf('#');
  if (h >= 0) { fragment = s.slice(h + 1); s = s.slice(0, h); }
  const q = s.indexOf('?');
  if (q >= 0) { query = s.slice(q + 1); s = s.slice(0, q); }
  return { path: s, query, fragment };
}
function setQueryFragment(url, parts) {
  url.query = parts.query === null ? null : H.encode(parts.query, isSpecial(url.scheme) ? 'special-query' : 'query');
  url.fragment = parts.fragment === null ? null : H.encode(parts.fragment, 'fragment');
}
function splitHostPort(hp) {
  let i;
  if (hp[0] === '[') {
    const end = hp.indexOf(']');
    i = end < 0 ? -1 : hp.indexOf(':', end);
  } else {
    i = hp.indexOf(':');
  }
  return i < 0 ? { host: hp, port: null } : { host: hp.slice(0, i), port: hp.slice(i + 1) };
}
function authority(url, s) {
  const special = isSpecial(url.scheme);
  const m = (special ? /[\/\\?#]/ : /[\/?#]/).exec(s);
  const auth = m ? s.slice(0, m.index) : s;
  const rest = m ? s.slice(m.index) : '';
  const at = auth.lastIndexOf('@');
  const hostport = auth.slice(at + 1);
  if (at >= 0) {
    const userinfo = auth.slice(0, at);
    const c = userinfo.indexOf(':');
    url.username = H.encode(c < 0 ? userinfo : userinfo.slice(0, c), 'userinfo');
    url.password = c < 0 ? '' : H.encode(userinfo.slice(c + 1), 'userinfo');
  }
  const hp = splitHostPort(hostport);
  if (hp.host === '') {
    if (special && url.scheme !== 'file') fail();
    if (at >= 0 || hp.port !== null) fail();
    url.host = '';
  } else {
    url.host = parseHost(hp.host, special);
    if (url.scheme === 'file' && url.host === 'localhost') url.host = '';
  }
  if (hp.port !== null) {
    if (url.scheme === 'file') fail();
    url.port = parsePort(hp.port, url.scheme);
  }
  const parts = splitRest(rest);
  url.path = [];
  if (parts.path !== '') pushPath(url.path, parts.path.slice(1), special);
  else if (special) url.path = [''];
  setQueryFragment(url, parts);
  return url;
}
function relative(input, base) {
  const special = isSpecial(base.scheme);
  const slash = special ? /^[\/\\]/ : /^\//;
  const url = record(base.scheme);
  if (slash.test(input) && slash.test(input.slice(1))) {
    return authority(url, special ? input.replace(/^[\/\\]+/, '') : input.slice(2));
  }
  url.username = base.username; url.password = base.password; url.host = base.host; url.port = base.port;
  if (slash.test(input)) {
    const parts = splitRest(input);
    pushPath(url.path, parts.path.slice(1), special);
    setQueryFragment(url, parts);
    return url;
  }
  const parts = splitRest(input);
  if (parts.path === '') {
    url.path = base.path.slice();
    if (parts.query === null) { url.query = base.query; url.fragment = parts.fragment === null ? null : H.encode(parts.fragment, 'fragment'); return url; }
    setQueryFragment(url, parts);
    return url;
  }
  url.path = base.path.slice(0, -1);
  pushPath(url.path, parts.path, special);
  setQueryFragment(url, parts);
  return url;
}
function parse(input, base) {
  input = String(input).replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '').replace(/[\t\n\r]/g, '');
  const m = /^([a-zA-Z][a-zA-Z0-9+\-.]*):/.exec(input);
  if (m) {
    const scheme = m[1].toLowerCase();
    const rest = input.slice(m[0].length);
    const url = record(scheme);
    if (isSpecial(scheme)) {
      if (base && base.scheme === scheme && !/^[\/\\]/.test(rest) && scheme !== 'file') return relative(rest, base);
      if (scheme === 'file') {
        if (/^[\/\\]{2}/.test(rest)) return authority(url, rest.slice(2));
        url.host = '';
        if (/^[\/\\]/.test(rest)) { const parts = splitRest(rest); pushPath(url.path, parts.path.slice(1), true); setQueryFragment(url, parts); return url; }
        if (base && base.scheme === 'file') return relative(rest, base);
        const parts = splitRest(rest); pushPath(url.path, parts.path, true); setQueryFragment(url, parts); return url;
      }
      return authority(url, rest.replace(/^[\/\\]+/, ''));
    }
    if (rest.startsWith('//')) return authority(url, rest.slice(2));
    const parts = splitRest(rest);
    if (rest.startsWith('/')) { pushPath(url.path, parts.path.slice(1), false); }
    else { url.opaque = true; url.path = H.encode(parts.path, 'c0'); }
    setQueryFragment(url, parts);
    return url;
  }
  if (!base) fail();
  if (base.opaque) {
    if (input[0] !== '#') fail();
    const url = copy(base);
    url.fragment = H.encode(input.slice(1), 'fragment');
    return url;
  }
  return relative(input, base);
}
function tryParse(input, base) {
  try { return parse(input, base); } catch (e) { if (e === FAIL) return null; throw e; }
}
function pathString(r) {
  if (r.opaque) return r.path;
  let p = r.path.length || isSpecial(r.scheme) ? '/' + r.path.join('/') : '';
  // A path starting with '//' and no host would read back as a host.
  if (r.host === null && r.path.length > 1 && r.path[0] === '') p = '/.' + p;
  return p;
}
function hostString(r) { return r.host + (r.port === null ? '' : ':' + r.port); }
function serialize(r, noFragment) {
  let s = r.scheme + ':';
  if (r.host !== null) {
    s += '//';
    if (r.username !== '' || r.password !== '') s += r.username + (r.password !== '' ? ':' + r.password : '') + '@';
    s += hostString(r);
  }
  s += pathString(r);
  if (r.query !== null) s += '?' + r.query;
  if (!noFragment && r.fragment !== null) s += '#' + r.fragment;
  return s;
}

const paramsState = new WeakMap();
const urlState = new WeakMap();
function parseForm(s) {
  const list = [];
  for (const seq of s.split('&')) {
    if (seq === '') continue;
    const i = seq.indexOf('=');
    const name = i < 0 ? seq : seq.slice(0, i);
    const value = i < 0 ? '' : seq.slice(i + 1);
    list.push([H.decode(name.replace(/\+/g, ' ')), H.decode(value.replace(/\+/g, ' '))]);
  }
  return list;
}
function serializeForm(list) {
  return list.map((p) => H.encode(p[0], 'form') + '=' + H.encode(p[1], 'form')).join('&');
}
function ps(self, what) {
  const st = paramsState.get(self);
  if (!st) throw new TypeError('URLSearchParams.' + what + ' called on an object that is not a URLSearchParams');
  return st;
}
function changed(st) {
  if (st.url) { const q = serializeForm(st.list); st.url.rec.query = q === '' ? null : q; }
}
function needArgs(n, got, what) {
  if (got < n) throw new TypeError('URLSearchParams.' + what + ': ' + n + ' argument' + (n > 1 ? 's' : '') + ' required, but only ' + got + ' present');
}
class URLSearchParams {
  constructor(init) {
    const st = { list: [], url: null };
    paramsState.set(this, st);
    if (init === undefined || init === null && arguments.length === 0) return;
    if (paramsState.has(init)) { st.list = paramsState.get(init).list.map((p) => [p[0], p[1]]); return; }
    if (init !== null && (typeof init === 'object' || typeof init === 'function')) {
      const iter = init[Symbol.iterator];
      if (iter !== undefined && iter !== null) {
        if (typeof iter !== 'function') throw new TypeError('URLSearchParams: the init object\'s Symbol.iterator is not a function');
        for (const pair of init) {
          if (pair === null || typeof pair !== 'object' && typeof pair !== 'function') throw new TypeError('URLSearchParams: each item must be a [name, value] pair');
          const a = Array.from(pair);
          if (a.length !== 2) throw new TypeError('URLSearchParams: each pair must have exactly two items, [name, value]; got ' + a.length);
          st.list.push([String(a[0]), String(a[1])]);
        }
        return;
      }
      for (const k of Object.keys(init)) st.list.push([k, String(init[k])]);
      return;
    }
    let s = String(init);
    if (s[0] === '?') s = s.slice(1);
    st.list = parseForm(s);
  }
  get size() { return ps(this, 'size').list.length; }
  append(name, value) { needArgs(2, arguments.length, 'append'); const st = ps(this, 'append'); st.list.push([String(name), String(value)]); changed(st); }
  delete(name, value) {
    needArgs(1, arguments.length, 'delete');
    const st = ps(this, 'delete'); name = String(name);
    const v = value === undefined ? undefined : String(value);
    st.list = st.list.filter((p) => !(p[0] === name && (v === undefined || p[1] === v)));
    changed(st);
  }
  get(name) { needArgs(1, arguments.length, 'get'); name = String(name); const p = ps(this, 'get').list.find((x) => x[0] === name); return p ? p[1] : null; }
  getAll(name) { needArgs(1, arguments.length, 'getAll'); name = String(name); return ps(this, 'getAll').list.filter((x) => x[0] === name).map((x) => x[1]); }
  has(name, value) {
    needArgs(1, arguments.length, 'has'); name = String(name);
    const v = value === undefined ? undefined : String(value);
    return ps(this, 'has').list.some((p) => p[0] === name && (v === undefined || p[1] === v));
  }
  set(name, value) {
    needArgs(2, arguments.length, 'set');
    const st = ps(this, 'set'); name = String(name); value = String(value);
    const i = st.list.findIndex((p) => p[0] === name);
    if (i < 0) st.list.push([name, value]);
    else { st.list[i] = [name, value]; st.list = st.list.filter((p, j) => j <= i || p[0] !== name); }
    changed(st);
  }
  sort() {
    const st = ps(this, 'sort');
    // Array.prototype.sort is stable; < compares UTF-16 code units, as the standard says.
    st.list.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    changed(st);
  }
  forEach(callback, thisArg) {
    if (typeof callback !== 'function') throw new TypeError('URLSearchParams.forEach: the callback must be a function');
    const st = ps(this, 'forEach');
    for (let i = 0; i < st.list.length; i++) callback.call(thisArg, st.list[i][1], st.list[i][0], this);
  }
  *entries() { const st = ps(this, 'entries'); for (let i = 0; i < st.list.length; i++) yield [st.list[i][0], st.list[i][1]]; }
  *keys() { const st = ps(this, 'keys'); for (let i = 0; i < st.list.length; i++) yield st.list[i][0]; }
  *values() { const st = ps(this, 'values'); for (let i = 0; i < st.list.length; i++) yield st.list[i][1]; }
  toString() { return serializeForm(ps(this, 'toString').list); }
}
Object.defineProperty(URLSearchParams.prototype, Symbol.iterator, { value: URLSearchParams.prototype.entries, writable: true, configurable: true });
Object.defineProperty(URLSearchParams.prototype, Symbol.toStringTag, { value: 'URLSearchParams', configurable: true });

function us(self, what) {
  const st = urlState.get(self);
  if (!st) throw new TypeError('URL.' + what + ' called on an object that is not a URL');
  return st;
}
function parseBase(base) {
  const b = tryParse(String(base), null);
  if (!b) throw invalid(base);
  return b;
}
function syncParams(st) { paramsState.get(st.params).list = st.rec.query === null ? [] : parseForm(st.rec.query); }
// withTrial runs a setter's change on a copy and keeps it only if it parsed, since the
// standard says a setter given a bad value leaves the URL as it was.
function trial(st, fn) {
  const r = copy(st.rec);
  try { fn(r); } catch (e) { if (e === FAIL) return; throw e; }
  st.rec = r;
}
class URL {
  constructor(url, base) {
    if (arguments.length === 0) throw new TypeError('URL: 1 argument required, but only 0 present');
    const b = base === undefined ? null : parseBase(base);
    const rec = tryParse(String(url), b);
    if (!rec) throw invalid(url);
    const st = { rec, params: null };
    urlState.set(this, st);
    st.params = new URLSearchParams(rec.query === null ? '' : rec.query);
    paramsState.get(st.params).url = st;
  }
  static canParse(url, base) {
    let b = null;
    if (base !== undefined) { b = tryParse(String(base), null); if (!b) return false; }
    return tryParse(String(url), b) !== null;
  }
  static parse(url, base) { try { return new URL(url, base); } catch (e) { return null; } }
  get href() { return serialize(us(this, 'href').rec); }
  set href(v) {
    const st = us(this, 'href');
    const rec = tryParse(String(v), null);
    if (!rec) throw invalid(v);
    st.rec = rec; syncParams(st);
  }
  get origin() {
    const r = us(this, 'origin').rec;
    if (r.scheme === 'blob' && r.opaque) { const inner = tryParse(r.path, null); return inner && (inner.scheme === 'http' || inner.scheme === 'https') ? inner.scheme + '://' + hostString(inner) : 'null'; }
    if (!isSpecial(r.scheme) || r.scheme === 'file') return 'null';
    return r.scheme + '://' + hostString(r);
  }
  get protocol() { return us(this, 'protocol').rec.scheme + ':'; }
  set protocol(v) {
    const st = us(this, 'protocol');
    const m = /^([a-zA-Z][a-zA-Z0-9+\-.]*)(:|$)/.exec(String(v));
    if (!m) return;
    const scheme = m[1].toLowerCase(), r = st.rec;
    if (isSpecial(scheme) !== isSpecial(r.scheme)) return;
    if (scheme === 'file' && (r.username !== '' || r.password !== '' || r.port !== null)) return;
    if (r.scheme === 'file' && r.host === '') return;
    r.scheme = scheme;
    if (r.port === defaultPorts[scheme]) r.port = null;
  }
  get username() { return us(this, 'username').rec.username; }
  set username(v) { const r = us(this, 'username').rec; if (r.host === null || r.host === '' || r.scheme === 'file') return; r.username = H.encode(String(v), 'userinfo'); }
  get password() { return us(this, 'password').rec.password; }
  set password(v) { const r = us(this, 'password').rec; if (r.host === null || r.host === '' || r.scheme === 'file') return; r.password = H.encode(String(v), 'userinfo'); }
  get host() { const r = us(this, 'host').rec; return r.host === null ? '' : hostString(r); }
  set host(v) {
    const st = us(this, 'host');
    if (st.rec.opaque) return;
    trial(st, (r) => {
      const special = isSpecial(r.scheme);
      const s = String(v).split(special ? /[\/\\?#]/ : /[\/?#]/)[0];
      const hp = splitHostPort(s);
      if (hp.host === '') { if (special) throw FAIL; }
      r.host = hp.host === '' ? '' : parseHost(hp.host, special);
      if (hp.port !== null && hp.port !== '') { const d = /^[0-9]*/.exec(hp.port)[0]; if (d !== '') r.port = parsePort(d, r.scheme); }
    });
  }
  get hostname() { const r = us(this, 'hostname').rec; return r.host === null ? '' : r.host; }
  set hostname(v) {
    const st = us(this, 'hostname');
    if (st.rec.opaque) return;
    trial(st, (r) => {
      const special = isSpecial(r.scheme);
      const s = splitHostPort(String(v).split(special ? /[\/\\?#]/ : /[\/?#]/)[0]).host;
      if (s === '' && special) throw FAIL;
      r.host = s === '' ? '' : parseHost(s, special);
    });
  }
  get port() { const r = us(this, 'port').rec; return r.port === null ? '' : String(r.port); }
  set port(v) {
    const st = us(this, 'port');
    const r0 = st.rec;
    if (r0.host === null || r0.host === '' || r0.scheme === 'file') return;
    const s = String(v);
    if (s === '') { r0.port = null; return; }
    const d = /^[0-9]*/.exec(s)[0];
    if (d === '') return;
    trial(st, (r) => { r.port = parsePort(d, r.scheme); });
  }
  get pathname() { return pathString(us(this, 'pathname').rec); }
  set pathname(v) {
    const r = us(this, 'pathname').rec;
    if (r.opaque) return;
    const special = isSpecial(r.scheme);
    let s = String(v);
    if (s === '' && !special) { r.path = []; return; }
    if (special ? /^[\/\\]/.test(s) : s[0] === '/') s = s.slice(1);
    r.path = pushPath([], s, special);
  }
  get search() { const q = us(this, 'search').rec.query; return q === null || q === '' ? '' : '?' + q; }
  set search(v) {
    const st = us(this, 'search');
    let s = String(v);
    if (s === '') { st.rec.query = null; syncParams(st); return; }
    if (s[0] === '?') s = s.slice(1);
    st.rec.query = H.encode(s, isSpecial(st.rec.scheme) ? 'special-query' : 'query');
    syncParams(st);
  }
  get searchParams() { return us(this, 'searchParams').params; }
  get hash() { const f = us(this, 'hash').rec.fragment; return f === null || f === '' ? '' : '#' + f; }
  set hash(v) {
    const r = us(this, 'hash').rec;
    let s = String(v);
    if (s === '') { r.fragment = null; return; }
    if (s[0] === '#') s = s.slice(1);
    r.fragment = H.encode(s, 'fragment');
  }
  toString() { return serialize(us(this, 'toString').rec); }
  toJSON() { return serialize(us(this, 'toJSON').rec); }
}
Object.defineProperty(URL.prototype, Symbol.toStringTag, { value: 'URL', configurable: true });
for (const C of [URL, URLSearchParams]) {
  for (const k of Object.getOwnPropertyNames(C.prototype)) {
    if (k === 'constructor') continue;
    const d = Object.getOwnPropertyDescriptor(C.prototype, k);
    // The standard's attributes and operations are enumerable, so for...in and
    // Object.keys-style tooling see them as in browsers.
    d.enumerable = true;
    Object.defineProperty(C.prototype, k, d);
  }
}
return { URL, URLSearchParams };
})`
