// The xk6-neo4j dashboard: draws a Snapshot (see snapshot.go) as tiles, line charts in
// inline SVG and tables. The live page polls api/snapshot once a period; the exported
// report carries one snapshot in #report-data and draws it once. No library, no network
// access beyond that one endpoint. Text from the run (query names, error codes) is only
// ever set as textContent or attribute values, never parsed as HTML.
(function () {
  'use strict';

  var SVGNS = 'http://www.w3.org/2000/svg';
  var PALETTE = ['#0b6bcb', '#e8710a', '#1e8e3e', '#9334e6', '#d01884', '#12a4af', '#795548',
    '#5f6b7a', '#f9ab00', '#3949ab', '#00897b', '#c2185b', '#7cb342', '#8e24aa', '#6d4c41'];
  var ERRORS = ['#c62828', '#e8710a', '#9334e6', '#d01884', '#795548', '#f9ab00', '#5f6b7a'];
  var RED = '#c62828', GREEN = '#1a7f37', INK = '#1d2733';
  // Chart geometry in viewBox units: the SVG scales to its box, so a smaller viewBox for the
  // small charts keeps their text as large as the big ones'.
  var BIG = { W: 640, H: 230, M: { l: 56, r: 14, t: 10, b: 26 } };
  var SMALL = { W: 430, H: 190, M: { l: 54, r: 12, t: 10, b: 26 } };

  var $ = function (id) { return document.getElementById(id); };

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function sv(tag, attrs) {
    var e = document.createElementNS(SVGNS, tag);
    for (var k in attrs) if (Object.prototype.hasOwnProperty.call(attrs, k)) e.setAttribute(k, attrs[k]);
    return e;
  }

  // ---- formatting ----

  function trim(s) { return s.indexOf('.') >= 0 ? s.replace(/0+$/, '').replace(/\.$/, '') : s; }

  function fmtNum(v) {
    if (v === null || v === undefined || !isFinite(v)) return '–';
    var a = Math.abs(v);
    if (a >= 1e9) return trim((v / 1e9).toFixed(2)) + 'G';
    if (a >= 1e6) return trim((v / 1e6).toFixed(2)) + 'M';
    if (a >= 1e4) return trim((v / 1e3).toFixed(1)) + 'k';
    if (a >= 100 || a === 0) return String(Math.round(v));
    if (a >= 10) return trim(v.toFixed(1));
    return trim(v.toFixed(2));
  }

  function fmtInt(v) {
    if (v === null || v === undefined || !isFinite(v)) return '–';
    return Math.round(v).toLocaleString('en-US');
  }

  function fmtMs(v) {
    if (v === null || v === undefined || !isFinite(v)) return '–';
    var a = Math.abs(v);
    if (a >= 60000) return trim((v / 60000).toFixed(2)) + ' min';
    if (a >= 1000) return trim((v / 1000).toFixed(2)) + ' s';
    if (a >= 100) return Math.round(v) + ' ms';
    if (a >= 1) return trim(v.toFixed(2)) + ' ms';
    if (a === 0) return '0 ms';
    return trim((v * 1000).toFixed(1)) + ' µs';
  }

  function fmtRate(v) { return fmtNum(v) + '/s'; }

  // fmtBytes uses decimal units, so that the axis' round steps read as round numbers.
  function fmtBytes(v) {
    if (v === null || v === undefined || !isFinite(v)) return '–';
    var a = Math.abs(v);
    if (a >= 1e9) return trim((v / 1e9).toFixed(a >= 1e10 ? 1 : 2)) + ' GB';
    if (a >= 1e6) return trim((v / 1e6).toFixed(a >= 1e8 ? 0 : 1)) + ' MB';
    if (a >= 1e3) return trim((v / 1e3).toFixed(a >= 1e5 ? 0 : 1)) + ' kB';
    return Math.round(v) + ' B';
  }

  function fmtPercent(v) {
    if (v === null || v === undefined || !isFinite(v)) return '–';
    return trim(v.toFixed(Math.abs(v) >= 10 || v === 0 ? 0 : 1)) + '%';
  }

  function fmtGC(v) {
    if (v === null || v === undefined || !isFinite(v)) return '–';
    return fmtNum(v) + ' ms/s';
  }

  function fmtPct(part, whole) {
    if (!whole) return '–';
    var p = 100 * part / whole;
    if (p > 0 && p < 0.01) return '<0.01%';
    return trim(p.toFixed(p >= 10 ? 1 : 2)) + '%';
  }

  function fmtClock(ms) {
    var s = Math.round(ms / 1000), h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
    s = s % 60;
    var mm = h ? (m < 10 ? '0' + m : m) : m;
    return (h ? h + ':' : '') + mm + ':' + (s < 10 ? '0' + s : s);
  }

  function fmtDuration(ms) {
    if (ms < 1000) return Math.round(ms) + 'ms';
    var s = Math.round(ms / 1000);
    if (s < 60) return s + 's';
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
    s = s % 60;
    return (h ? h + 'h' : '') + (m ? m + 'm' : '') + (s ? s + 's' : '');
  }

  // ---- scales ----

  // niceStep is a round step (1, 2 or 5 times a power of ten) near span/n.
  function niceStep(span, n) {
    var raw = span / n, p = Math.pow(10, Math.floor(Math.log(raw) / Math.LN10)), f = raw / p;
    return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
  }

  var TIME_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

  function timeStep(spanMs, n) {
    var want = spanMs / 1000 / n;
    for (var i = 0; i < TIME_STEPS.length; i++) if (TIME_STEPS[i] >= want) return TIME_STEPS[i] * 1000;
    return TIME_STEPS[TIME_STEPS.length - 1] * 1000;
  }

  // ---- the timeline ----

  // view is the part of the snapshot's timeline that is drawn: while the run is live the
  // newest bucket is still filling, and a half-filled bucket would show as a dip.
  function timeline(snap) {
    var b = snap.buckets, n = b.t.length;
    if (snap.live && n > 1) n--;
    var mid = [], start = [], end = [], sec = [];
    for (var i = 0; i < n; i++) {
      start.push(b.t[i]);
      end.push(b.t[i] + b.d[i]);
      mid.push(b.t[i] + b.d[i] / 2);
      sec.push(b.d[i] / 1000);
    }
    return { n: n, mid: mid, start: start, end: end, sec: sec, xMax: n ? end[n - 1] : 1000 };
  }

  function perSecond(tl, counts) {
    var out = [];
    for (var i = 0; i < tl.n; i++) out.push(counts[i] / tl.sec[i]);
    return out;
  }

  function values(tl, arr) { return arr.slice(0, tl.n); }

  // ---- the line chart ----

  // chart draws series [{name, color, values, main}] (values aligned with the timeline's
  // buckets; null is "no value") into a <figure data-chart=id data-series=names>.
  // opts: {id, title, unit, fmt, rate (a gap between buckets is zero, not a break),
  // connect (a bucket without a value does not break the line: readings taken every few
  // seconds), empty (text when there is nothing to draw)}. A series with dash is drawn dashed.
  function chart(tl, series, opts) {
    var fig = el('figure', 'chart');
    fig.setAttribute('data-chart', opts.id);
    fig.setAttribute('data-series', series.map(function (s) { return s.name; }).join('|'));
    var cap = el('figcaption');
    cap.appendChild(el('span', null, opts.title));
    if (opts.unit) cap.appendChild(el('span', 'unit', opts.unit));
    fig.appendChild(cap);

    var yMax = 0, points = 0;
    series.forEach(function (s) {
      for (var i = 0; i < tl.n; i++) {
        var v = s.values[i];
        if (v !== null && v !== undefined && isFinite(v)) { yMax = Math.max(yMax, v); points++; }
      }
    });
    fig.setAttribute('data-points', String(points));

    var g = opts.small ? SMALL : BIG, W = g.W, H = g.H, M = g.M;
    var svg = sv('svg', { viewBox: '0 0 ' + W + ' ' + H, role: 'img', 'aria-label': opts.title });
    var pw = W - M.l - M.r, ph = H - M.t - M.b;
    var step = niceStep(yMax > 0 ? yMax : 1, 4), top = Math.max(step, Math.ceil(yMax / step) * step);
    var xMax = Math.max(tl.xMax, 1000);
    var sx = function (x) { return M.l + pw * x / xMax; };
    var sy = function (y) { return M.t + ph * (1 - y / top); };
    var r = function (v) { return Math.round(v * 10) / 10; };

    var axis = sv('g', { 'class': 'axis' });
    for (var y = 0; y <= top + step / 2; y += step) {
      axis.appendChild(sv('line', { 'class': y === 0 ? 'baseline' : 'gridline', x1: M.l, x2: W - M.r, y1: r(sy(y)), y2: r(sy(y)) }));
      var t = sv('text', { x: M.l - 6, y: r(sy(y)) + 4, 'text-anchor': 'end' });
      t.textContent = opts.fmt(y);
      axis.appendChild(t);
    }
    var xs = timeStep(xMax, opts.small ? 4 : 6);
    for (var x = 0; x <= xMax + 1; x += xs) {
      var tx = sv('text', { x: r(sx(x)), y: H - 8, 'text-anchor': x === 0 ? 'start' : 'middle' });
      tx.textContent = fmtClock(x);
      axis.appendChild(tx);
      if (x > 0) axis.appendChild(sv('line', { 'class': 'gridline', x1: r(sx(x)), x2: r(sx(x)), y1: M.t, y2: M.t + ph }));
    }
    svg.appendChild(axis);

    series.forEach(function (s) {
      var d = '', pen = false, prevEnd = null, lone = [];
      for (var i = 0; i < tl.n; i++) {
        var v = s.values[i];
        if (v === null || v === undefined || !isFinite(v)) {
          if (!opts.connect) pen = false;
          prevEnd = tl.end[i];
          continue;
        }
        if (opts.rate && pen && tl.start[i] > prevEnd) {
          d += 'L' + r(sx(prevEnd)) + ' ' + r(sy(0)) + 'L' + r(sx(tl.start[i])) + ' ' + r(sy(0));
        }
        d += (pen ? 'L' : 'M') + r(sx(tl.mid[i])) + ' ' + r(sy(v));
        if (!pen && !hasNext(s.values, i, tl.n, opts.connect)) lone.push([sx(tl.mid[i]), sy(v)]);
        pen = true;
        prevEnd = tl.end[i];
      }
      if (d) {
        var p = sv('path', { 'class': 'line' + (s.main ? ' main' : '') + (s.dash ? ' dash' : ''), d: d, stroke: s.color });
        p.setAttribute('data-series', s.name);
        svg.appendChild(p);
      }
      lone.forEach(function (pt) { // a value with no neighbour would be an invisible path
        svg.appendChild(sv('circle', { cx: r(pt[0]), cy: r(pt[1]), r: 2.5, fill: s.color }));
      });
    });
    if (!points) {
      var e = sv('text', { 'class': 'empty', x: M.l + pw / 2, y: M.t + ph / 2, 'text-anchor': 'middle' });
      e.textContent = opts.empty || 'no data yet';
      svg.appendChild(e);
    }
    hover(svg, g, tl, series, opts, sx, xMax);
    fig.appendChild(svg);

    if (series.length) {
      var legend = el('ul', 'legend');
      series.forEach(function (s) {
        var li = el('li');
        li.setAttribute('data-series', s.name);
        var sw = el('span', 'swatch');
        sw.style.background = s.color;
        li.appendChild(sw);
        var nm = el('span', 'name', s.name);
        nm.title = s.name;
        li.appendChild(nm);
        var last = lastValue(s.values, tl.n);
        if (last !== null) li.appendChild(el('span', 'last', opts.fmt(last)));
        legend.appendChild(li);
      });
      fig.appendChild(legend);
    }
    return fig;
  }

  function finite(v) { return v !== null && v !== undefined && isFinite(v); }

  // hasNext says whether a value after i continues the line: the next bucket's, or with
  // connect any later one.
  function hasNext(vals, i, n, connect) {
    for (var j = i + 1; j < n; j++) {
      if (finite(vals[j])) return true;
      if (!connect) return false;
    }
    return false;
  }

  function lastValue(vals, n) {
    for (var i = n - 1; i >= 0; i--) if (vals[i] !== null && vals[i] !== undefined && isFinite(vals[i])) return vals[i];
    return null;
  }

  // hover shows a cursor and every series' value in the bucket under the pointer.
  function hover(svg, g, tl, series, opts, sx, xMax) {
    var W = g.W, H = g.H, M = g.M, pw = W - M.l - M.r;
    var cursor = sv('line', { 'class': 'cursor', x1: 0, x2: 0, y1: M.t, y2: H - M.b, visibility: 'hidden' });
    svg.appendChild(cursor);
    var tip = $('tooltip');
    svg.addEventListener('mousemove', function (ev) {
      if (!tl.n) return;
      var box = svg.getBoundingClientRect();
      var x = (ev.clientX - box.left) * W / box.width;
      var at = (x - M.l) / pw * xMax, best = 0;
      for (var i = 1; i < tl.n; i++) if (Math.abs(tl.mid[i] - at) < Math.abs(tl.mid[best] - at)) best = i;
      cursor.setAttribute('x1', sx(tl.mid[best]));
      cursor.setAttribute('x2', sx(tl.mid[best]));
      cursor.setAttribute('visibility', 'visible');
      tip.textContent = '';
      tip.appendChild(el('div', null, fmtClock(tl.start[best]) + ' – ' + fmtClock(tl.end[best])));
      series.forEach(function (s) {
        var row = el('div', 'row');
        row.appendChild(el('span', null, s.name));
        row.appendChild(el('span', null, opts.fmt(s.values[best])));
        row.firstChild.style.color = s.color === INK ? '#fff' : s.color;
        tip.appendChild(row);
      });
      tip.hidden = false;
      tip.style.left = Math.min(ev.clientX + 14, window.innerWidth - tip.offsetWidth - 8) + 'px';
      tip.style.top = (ev.clientY + 14) + 'px';
    });
    svg.addEventListener('mouseleave', function () {
      cursor.setAttribute('visibility', 'hidden');
      tip.hidden = true;
    });
  }

  // ---- the page ----

  function colorOf(i) { return PALETTE[i % PALETTE.length]; }

  function tile(label, value, sub, cls) {
    var t = el('div', 'tile' + (cls ? ' ' + cls : ''));
    t.appendChild(el('div', 'label', label));
    t.appendChild(el('div', 'value', value));
    t.appendChild(el('div', 'sub', sub || '\u00a0'));
    return t;
  }

  function renderTiles(snap) {
    var t = snap.totals, box = $('tiles');
    box.textContent = '';
    box.appendChild(tile('Queries', fmtInt(t.queries), fmtRate(t.queryRate) + ' on average'));
    box.appendChild(tile('Failed queries', fmtInt(t.failures), fmtPct(t.failures, t.queries) + ' of queries',
      t.failures ? 'bad' : ''));
    var slow = null;
    snap.queries.forEach(function (q) { if (!slow || q.p95 > slow.p95) slow = q; });
    box.appendChild(tile('Slowest p95', slow ? fmtMs(slow.p95) : '–', slow ? slow.name : ''));
    box.appendChild(tile('VUs', fmtInt(t.vus), t.vusMax !== null ? 'max ' + fmtInt(t.vusMax) : ''));
    box.appendChild(tile('Iterations', fmtInt(t.iterations),
      fmtRate(t.iterationRate) + (t.dropped ? ', ' + fmtInt(t.dropped) + ' dropped' : ''), t.dropped ? 'bad' : ''));
    var checks = t.checksPass + t.checksFail;
    if (checks) {
      box.appendChild(tile('Checks passed', fmtPct(t.checksPass, checks), fmtInt(t.checksFail) + ' failed',
        t.checksFail ? 'bad' : 'good'));
    }
    if (snap.thresholds.length) {
      var failed = snap.thresholds.filter(function (r) { return !r.pass; }).length;
      box.appendChild(tile('Thresholds', failed ? failed + ' failing' : 'all pass',
        (snap.thresholds.length - failed) + ' of ' + snap.thresholds.length + ' pass', failed ? 'bad' : 'good'));
    }
    box.appendChild(tile('Duration', fmtDuration(snap.elapsed), snap.live ? 'running' : 'finished'));
  }

  function renderThresholds(snap) {
    var panel = $('thresholds-panel'), list = $('thresholds');
    panel.hidden = !snap.thresholds.length;
    list.textContent = '';
    var failed = 0;
    snap.thresholds.forEach(function (r) {
      if (!r.pass) failed++;
      var li = el('li', 'threshold ' + (r.pass ? 'pass' : 'fail'));
      li.setAttribute('data-pass', r.pass ? 'true' : 'false');
      li.setAttribute('data-key', r.key);
      li.setAttribute('data-source', r.source);
      li.appendChild(el('span', 'mark', r.pass ? '✓' : '✗'));
      li.appendChild(el('code', 'key', r.key));
      li.appendChild(el('code', 'source', r.source));
      li.appendChild(el('span', 'value', r.value));
      li.title = (r.pass ? 'passes: ' : 'FAILS: ') + r.key + ' ' + r.source + ' (' + r.value + ')';
      list.appendChild(li);
    });
    $('thresholds-count').textContent = snap.thresholds.length
      ? (failed ? failed + ' of ' + snap.thresholds.length + ' failing' : 'all ' + snap.thresholds.length + ' pass') : '';
  }

  function renderCharts(snap, tl) {
    var b = snap.buckets, box = $('charts');
    box.textContent = '';
    var names = snap.names;

    var qps = [{ name: 'all queries', color: INK, values: perSecond(tl, b.queries), main: true }];
    names.forEach(function (n, i) { qps.push({ name: n.name, color: colorOf(i), values: perSecond(tl, n.count) }); });
    box.appendChild(chart(tl, qps, { id: 'qps', title: 'Queries per second', unit: 'per second, by query name', fmt: fmtNum, rate: true }));

    box.appendChild(chart(tl, names.map(function (n, i) {
      return { name: n.name, color: colorOf(i), values: values(tl, n.p95) };
    }), { id: 'latency-p95', title: 'Query latency, p95', unit: 'by query name', fmt: fmtMs }));

    box.appendChild(chart(tl, snap.errors.map(function (e, i) {
      return { name: e.code, color: ERRORS[i % ERRORS.length], values: perSecond(tl, e.count) };
    }), { id: 'errors', title: 'Failed queries per second', unit: 'by error code', fmt: fmtNum, rate: true, empty: 'no failed queries' }));

    box.appendChild(chart(tl, [{ name: 'vus', color: '#0b6bcb', values: values(tl, b.vus), main: true }],
      { id: 'vus', title: 'Virtual users', unit: 'highest in each interval', fmt: fmtNum }));

    var its = [{ name: 'iterations', color: '#1e8e3e', values: perSecond(tl, b.iterations), main: true }];
    if (snap.totals.dropped) its.push({ name: 'dropped', color: RED, values: perSecond(tl, b.dropped) });
    box.appendChild(chart(tl, its, { id: 'iterations', title: 'Iterations per second', unit: 'per second', fmt: fmtNum, rate: true }));

    if (snap.totals.checksPass + snap.totals.checksFail) {
      box.appendChild(chart(tl, [
        { name: 'passed', color: GREEN, values: perSecond(tl, b.checksPass) },
        { name: 'failed', color: RED, values: perSecond(tl, b.checksFail) }
      ], { id: 'checks', title: 'Checks per second', unit: 'per second', fmt: fmtNum, rate: true }));
    }

    var per = $('per-query');
    per.textContent = '';
    names.forEach(function (n, i) {
      per.appendChild(chart(tl, [
        { name: 'p50', color: '#8fb8e6', values: values(tl, n.p50) },
        { name: 'p95', color: colorOf(i), values: values(tl, n.p95), main: true },
        { name: 'p99', color: '#5f6b7a', values: values(tl, n.p99) }
      ], { id: 'latency:' + n.name, title: n.name, unit: fmtInt(n.total) + ' queries', fmt: fmtMs, small: true }));
    });
    if (!names.length) per.appendChild(el('p', 'hint', 'No queries yet.'));
  }

  // ---- the server ----

  // renderServers lists, in the header, the servers the run reached (Config.RunInfo's
  // servers): agent and version, edition, address, database and whether it is the default.
  function renderServers(snap) {
    var list = $('servers'), servers = (snap.neo4j && snap.neo4j.servers) || [];
    list.textContent = '';
    list.hidden = !servers.length;
    servers.forEach(function (s) {
      var li = el('li');
      li.setAttribute('data-server', s.identity || '');
      li.appendChild(el('span', 'agent', s.agent || (s.version ? 'Neo4j ' + s.version : 'server')));
      var parts = [];
      if (s.version && (s.agent || '').indexOf(s.version) < 0) parts.push(s.version);
      if (s.edition) parts.push(s.edition);
      if (s.address) parts.push('at ' + s.address);
      if (s.database) parts.push('database ' + s.database + (s.defaultDatabase ? ' (default)' : ' (not the default)'));
      if (s.protocol) parts.push('Bolt ' + s.protocol);
      if (s.identity) parts.push('as ' + s.identity);
      li.appendChild(el('span', null, (parts.length ? ' · ' : '') + parts.join(' · ')));
      if (s.error) li.appendChild(el('span', 'error', ' · ' + s.error));
      list.appendChild(li);
    });
  }

  function pct(tl, vals) {
    return values(tl, vals).map(function (v) { return finite(v) ? v * 100 : null; });
  }

  // renderServerPanel draws the server sampler's readings beside the client's latency and
  // throughput; the panel is hidden when no reading came.
  function renderServerPanel(snap, tl) {
    var servers = snap.servers || [], panel = $('server-panel'), box = $('server-charts');
    panel.hidden = !servers.length;
    box.textContent = '';
    if (!servers.length) return;
    var b = snap.buckets, color = function (i) { return colorOf(i); };
    box.appendChild(chart(tl, snap.names.map(function (n, i) {
      return { name: n.name, color: colorOf(i), values: values(tl, n.p95) };
    }), { id: 'client-latency', title: 'Client latency, p95', unit: 'by query name', fmt: fmtMs, small: true }));
    box.appendChild(chart(tl, [{ name: 'all queries', color: INK, values: perSecond(tl, b.queries), main: true }],
      { id: 'client-qps', title: 'Client queries per second', unit: 'all queries', fmt: fmtNum, rate: true, small: true }));
    box.appendChild(chart(tl, servers.map(function (s, i) {
      return { name: s.identity, color: color(i), values: pct(tl, s.cpu) };
    }), { id: 'server-cpu', title: 'Server CPU', unit: 'the Neo4j process', fmt: fmtPercent, connect: true, small: true, empty: 'no readings' }));
    var heap = [];
    servers.forEach(function (s, i) {
      heap.push({ name: s.identity, color: color(i), values: values(tl, s.heapUsed) });
      if (s.heapMax) heap.push({ name: s.identity + ' max', color: color(i), values: values(tl, s.heapMax), dash: true });
    });
    box.appendChild(chart(tl, heap, { id: 'server-heap', title: 'Server heap used', unit: servers.some(function (s) { return s.heapMax; }) ? 'dashed: the maximum' : 'JVM heap',
      fmt: fmtBytes, connect: true, small: true, empty: 'no readings' }));
    box.appendChild(chart(tl, servers.map(function (s, i) {
      return { name: s.identity, color: color(i), values: values(tl, s.transactions) };
    }), { id: 'server-transactions', title: 'Running transactions', unit: 'on the server, all clients', fmt: fmtNum, connect: true, small: true, empty: 'no readings' }));
    box.appendChild(chart(tl, servers.map(function (s, i) {
      return { name: s.identity, color: color(i), values: values(tl, s.gc) };
    }), { id: 'server-gc', title: 'Server GC time', unit: 'ms per second of wall time', fmt: fmtGC, connect: true, small: true, empty: 'no readings' }));
  }

  // ---- plans ----

  // openPlans remembers which plans the reader opened, so that the live page's redraws
  // keep them open.
  var openPlans = {}, allPlans = /(^|[#&])plans($|&)/.test(location.hash.slice(1));

  function rows(n, formatted) { return formatted + (n === 1 ? ' row' : ' rows'); }

  function countOps(node) {
    var n = 1;
    (node.children || []).forEach(function (c) { n += countOps(c); });
    return n;
  }

  // planTree draws a plan as nested lists: each operator with its details, estimated rows
  // and identifiers, and in a profiled plan its db hits and rows; the operators that feed
  // it indented below. Deeper than 100 operators, the rest is left out.
  function planTree(node, depth) {
    var ul = el('ul', 'plan-tree');
    var li = el('li');
    li.setAttribute('data-operator', node.operator || '');
    var line = el('div', 'op-line');
    line.appendChild(el('span', 'op-name', node.operator || '?'));
    if (node.details) line.appendChild(el('code', 'op-details', node.details));
    if (node.dbHits !== undefined && node.dbHits !== null) {
      var hits = el('span', 'op-hits', fmtInt(node.dbHits) + ' db hits');
      hits.setAttribute('data-db-hits', String(node.dbHits));
      line.appendChild(hits);
    }
    if (node.rows !== undefined && node.rows !== null) line.appendChild(el('span', 'op-rows', rows(node.rows, fmtInt(node.rows))));
    if (finite(node.estimatedRows)) line.appendChild(el('span', 'op-est', 'est. ' + rows(node.estimatedRows, fmtNum(node.estimatedRows))));
    if (node.identifiers && node.identifiers.length) line.appendChild(el('span', 'op-ids', node.identifiers.join(', ')));
    li.appendChild(line);
    (node.children || []).forEach(function (c) {
      if (depth < 100) li.appendChild(planTree(c, depth + 1));
    });
    ul.appendChild(li);
    return ul;
  }

  function planBox(title, hint, node, error) {
    var box = el('div', 'plan-box');
    var h = el('h3', null, title);
    if (hint) h.appendChild(el('span', 'hint', ' ' + hint));
    box.appendChild(h);
    if (node) box.appendChild(planTree(node, 0));
    else box.appendChild(el('div', 'plan-error', error || 'no plan'));
    return box;
  }

  // planRow is the row under a query's row: its plan, and its slowest profiled call, in a
  // <details> the reader opens.
  function planRow(name, q) {
    var tr = el('tr', 'plan-row'), td = el('td');
    td.colSpan = 11;
    tr.setAttribute('data-plan-for', name);
    var det = el('details', 'plan');
    det.setAttribute('data-plan', name);
    if (allPlans || openPlans[name]) det.open = true;
    det.addEventListener('toggle', function () { openPlans[name] = det.open; });
    var sum = el('summary');
    if (q.plan) {
      var ops = [], n = q.plan;
      while (n && ops.length < 4) { ops.push(n.operator); n = (n.children || [])[0]; }
      var total = countOps(q.plan);
      sum.appendChild(el('span', null, 'Plan: '));
      sum.appendChild(el('span', 'ops', ops.join(' ← ') + (total > ops.length ? ' …' : '')));
      sum.appendChild(el('span', null, ' (' + total + (total === 1 ? ' operator)' : ' operators)')));
    } else {
      sum.appendChild(el('span', null, 'Plan not captured' + (q.planError ? ': ' + q.planError : '')));
    }
    if (q.profiled) {
      var sp = q.slowestProfile;
      sum.appendChild(el('span', null, ' · profiled ' + fmtInt(q.profiled) + (q.profiled === 1 ? ' call' : ' calls') +
        (sp ? ', slowest ' + fmtMs(sp.durationMs) + ' with ' + fmtInt(sp.dbHits) + ' db hits' : '')));
    }
    det.appendChild(sum);
    var boxes = el('div', 'plans');
    boxes.appendChild(planBox('Plan', 'EXPLAIN: estimated, nothing executed', q.plan, 'not captured (see above)'));
    if (q.slowestProfile) {
      var p = q.slowestProfile;
      boxes.appendChild(planBox('Slowest profiled call', fmtMs(p.durationMs) + ' · ' + fmtInt(p.dbHits) + ' db hits · ' +
        rows(p.rows, fmtInt(p.rows)) + ' · of ' + fmtInt(q.profiled) + ' profiled', p.plan, 'no plan'));
    }
    det.appendChild(boxes);
    td.appendChild(det);
    tr.appendChild(td);
    return tr;
  }

  function setAllPlans(open) {
    allPlans = open;
    var ds = document.querySelectorAll('details.plan');
    for (var i = 0; i < ds.length; i++) {
      ds[i].open = open;
      openPlans[ds[i].getAttribute('data-plan')] = open;
    }
    $('plans-toggle').textContent = open ? 'hide all plans' : 'show all plans';
  }

  $('plans-toggle').addEventListener('click', function () { setAllPlans(!allPlans); });

  function row(cells) {
    var tr = el('tr');
    cells.forEach(function (c) {
      var td = el('td', c.cls || '', c.text);
      if (c.title) td.title = c.title;
      tr.appendChild(td);
    });
    return tr;
  }

  function none(body, cols, text) {
    var tr = el('tr', 'none'), td = el('td', null, text);
    td.colSpan = cols;
    tr.appendChild(td);
    body.appendChild(tr);
  }

  function renderTables(snap) {
    var qb = $('queries-table').tBodies[0];
    qb.textContent = '';
    var infos = (snap.neo4j && snap.neo4j.queries) || {}, planned = {}, plans = 0;
    snap.queries.forEach(function (q) {
      var tr = row([
        { text: q.name, cls: 'name', title: q.name }, { text: q.mode },
        { text: fmtInt(q.count), cls: 'num' },
        { text: fmtInt(q.failures), cls: 'num' + (q.failures ? ' bad' : '') },
        { text: fmtPct(q.failures, q.count), cls: 'num' + (q.failures ? ' bad' : '') },
        { text: fmtRate(q.rate), cls: 'num' }, { text: fmtMs(q.avg), cls: 'num' },
        { text: fmtMs(q.p50), cls: 'num' }, { text: fmtMs(q.p95), cls: 'num' },
        { text: fmtMs(q.p99), cls: 'num' }, { text: fmtMs(q.max), cls: 'num' }
      ]);
      tr.setAttribute('data-query', q.name);
      tr.setAttribute('data-mode', q.mode);
      qb.appendChild(tr);
      // The plan goes under the query's first row (a name run in two modes has two rows).
      var info = Object.prototype.hasOwnProperty.call(infos, q.name) ? infos[q.name] : null;
      if (info && !planned[q.name]) {
        planned[q.name] = true;
        plans++;
        tr.className = 'has-plan';
        qb.appendChild(planRow(q.name, info));
      }
    });
    var toggle = $('plans-toggle');
    toggle.hidden = !plans;
    toggle.textContent = allPlans ? 'hide all plans' : 'show all plans';
    if (!snap.queries.length) none(qb, 11, 'No queries yet.');

    var eb = $('errors-table').tBodies[0];
    eb.textContent = '';
    snap.errors.slice().sort(function (a, b) { return b.total - a.total; }).forEach(function (e) {
      var tr = row([
        { text: e.code, cls: 'name bad' }, { text: fmtInt(e.total), cls: 'num' },
        { text: fmtPct(e.total, snap.totals.queries), cls: 'num' }, { text: e.queries.join(', '), cls: 'name' }
      ]);
      tr.setAttribute('data-code', e.code);
      eb.appendChild(tr);
    });
    if (!snap.errors.length) none(eb, 4, 'No failed queries.');

    var cb = $('checks-table').tBodies[0];
    cb.textContent = '';
    snap.checks.forEach(function (c) {
      var name = c.group ? c.group + ' › ' + c.name : c.name;
      var tr = row([
        { text: name, cls: 'name' }, { text: fmtInt(c.passes), cls: 'num' },
        { text: fmtInt(c.fails), cls: 'num' + (c.fails ? ' bad' : '') },
        { text: fmtPct(c.passes, c.passes + c.fails), cls: 'num' + (c.fails ? ' bad' : '') }
      ]);
      tr.setAttribute('data-check', c.name);
      cb.appendChild(tr);
    });
    if (!snap.checks.length) none(cb, 4, 'No checks.');
  }

  function render(snap) {
    var tl = timeline(snap);
    if (snap.title) {
      $('title').textContent = snap.title;
      document.title = snap.title + ' – xk6-neo4j';
    }
    renderServers(snap);
    renderTiles(snap);
    renderThresholds(snap);
    renderServerPanel(snap, tl);
    renderCharts(snap, tl);
    renderTables(snap);
    $('footer').textContent = (snap.buckets.t.length
      ? 'Run started ' + new Date(snap.start).toLocaleString() + ' · ' + fmtDuration(snap.elapsed)
      : 'Waiting for the first samples') +
      ' · intervals of ' + fmtDuration(snap.period) + ' (older ones merged on long runs) · snapshot taken ' +
      new Date(snap.generated).toLocaleTimeString();
    var n = Number(document.body.getAttribute('data-updates') || '0') + 1;
    document.body.setAttribute('data-updates', String(n));
  }

  function setStatus(state, text) {
    var s = $('status');
    s.setAttribute('data-state', state);
    s.textContent = text;
  }

  // ---- modes ----

  var embedded = $('report-data').textContent.trim();
  if (embedded) {
    var snap = JSON.parse(embedded);
    document.body.setAttribute('data-mode', 'report');
    render(snap);
    setStatus('report', snap.buckets.t.length ? 'report · ' + new Date(snap.start).toLocaleString() : 'report · no samples');
    return;
  }

  document.body.setAttribute('data-mode', 'live');
  $('download').hidden = false;
  var period = 1000;
  function poll() {
    fetch('api/snapshot', { cache: 'no-store' }).then(function (r) {
      if (!r.ok) throw new Error('HTTP ' + r.status);
      return r.json();
    }).then(function (snap) {
      period = Math.max(250, snap.period || 1000);
      render(snap);
      setStatus(snap.live ? 'live' : 'finished', (snap.live ? '● live' : 'finished') + ' · ' +
        new Date(snap.generated).toLocaleTimeString());
      return period;
    }).catch(function () {
      setStatus('lost', '○ disconnected: the run has ended or the process is gone; showing the last data');
      return Math.max(period, 5000); // keep trying, gently: the page may outlive the run
    }).then(function (wait) {
      setTimeout(poll, wait);
    });
  }
  poll();
})();
