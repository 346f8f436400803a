// The driftless dashboard: renders the hosts from the JSON API, keeps them
// live from the event stream, and sends actions. Plain JavaScript with no
// dependencies, so the page works offline. Every value from the server is
// put into the page as text, never as HTML.
'use strict';

(function () {
  const rows = new Map(); // host id → {host, tr, detail}
  const open = new Set(); // host ids whose timeline is shown
  let serverNow = null; // the server clock's time at the last answer (ms)
  let serverAt = 0; // performance.now() when serverNow was read

  const $ = (id) => document.getElementById(id);

  // now estimates the server clock's time, which may be a simulated one.
  function now() {
    if (serverNow === null) return Date.now();
    return serverNow + (performance.now() - serverAt);
  }

  function setNow(iso) {
    const t = Date.parse(iso);
    if (!Number.isNaN(t)) {
      serverNow = t;
      serverAt = performance.now();
      $('now').textContent = new Date(t).toISOString().replace('.000', '');
    }
  }

  async function api(method, path, body) {
    const init = { method, headers: { Accept: 'application/json' } };
    if (method !== 'GET') {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body || {});
    }
    const res = await fetch(path, init);
    let data = null;
    try {
      data = await res.json();
    } catch (e) {
      data = { error: res.statusText, code: 'bad_response' };
    }
    return { status: res.status, data };
  }

  function say(text, kind) {
    const m = $('message');
    m.textContent = text;
    m.dataset.kind = kind || 'info';
  }

  function ago(iso) {
    const t = Date.parse(iso);
    if (!iso || Number.isNaN(t) || t <= 0) return 'never';
    const s = Math.max(0, Math.round((now() - t) / 1000));
    if (s < 90) return s + 's ago';
    if (s < 90 * 60) return Math.round(s / 60) + 'm ago';
    if (s < 36 * 3600) return Math.round(s / 3600) + 'h ago';
    return Math.round(s / 86400) + 'd ago';
  }

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function cap(s) {
    return s.charAt(0).toUpperCase() + s.slice(1);
  }

  // badges lists every flag the view carries, and what goes with it.
  function badges(h) {
    const out = [];
    for (const f of h.flags || []) {
      let text = f;
      if (f === 'unknown') text = 'unknown, last seen ' + ago(h.last_seen);
      const b = el('span', 'badge', text);
      b.dataset.flag = f;
      out.push(b);
    }
    if (h.action && h.action !== 'none') {
      const b = el('span', 'badge inflight', h.action + ' in flight');
      b.dataset.flag = 'in flight';
      out.push(b);
    }
    return out;
  }

  function fillRow(entry) {
    const h = entry.host;
    const tr = entry.tr;
    tr.replaceChildren();
    tr.dataset.status = h.status;

    const id = el('td', 'id');
    id.append(el('span', 'hostid', h.id), el('span', 'prov', h.provider));
    const status = el('td', 'status');
    const label = el('span', 'status-label s-' + h.status, h.label);
    label.dataset.status = h.status;
    status.append(label);
    if (h.since) status.append(el('small', 'since', 'since ' + ago(h.since)));
    if (h.reason) status.append(el('small', 'reason', h.reason));

    const observed = el('td', 'observed');
    observed.append(el('span', 'vm', h.observed));
    if (h.provider_status) observed.append(el('code', 'raw', h.provider_status));
    if (h.provider_volume_status) observed.append(el('code', 'raw vol', 'volume ' + h.provider_volume_status));
    observed.append(el('small', 'when', 'observed ' + ago(h.observed_at)));

    const live = el('td', 'liveness', h.liveness || '—');
    if (h.last_seen) live.append(el('small', 'seen', 'seen ' + ago(h.last_seen)));
    if (h.connector_report) live.append(el('small', 'connector', 'connector reported ' + ago(h.connector_report.at)));

    const flags = el('td', 'badges');
    flags.append(...badges(h));

    const acts = el('td', 'actions');
    for (const a of h.offered || []) {
      const b = el('button', 'act', cap(a));
      b.type = 'button';
      b.dataset.action = a;
      b.addEventListener('click', () => act(h.id, a, b));
      acts.append(b);
    }
    const rec = el('button', 'reconcile', 'Reconcile now');
    rec.type = 'button';
    rec.addEventListener('click', () => reconcile(h.id, rec));
    const more = el('button', 'more', open.has(h.id) ? 'Hide timeline' : 'Timeline');
    more.type = 'button';
    more.addEventListener('click', () => toggle(h.id));
    acts.append(rec, more);

    tr.append(id, status, observed, live, flags, acts);
  }

  function upsert(h) {
    let entry = rows.get(h.id);
    if (!entry) {
      const tr = el('tr', 'host');
      tr.dataset.id = h.id;
      const detail = el('tr', 'detail');
      detail.dataset.id = h.id;
      detail.hidden = true;
      entry = { host: h, tr, detail };
      rows.set(h.id, entry);
      placeRow(entry);
    }
    entry.host = h;
    fillRow(entry);
    return entry;
  }

  // placeRow inserts a new host's rows in id order, as the API lists them.
  function placeRow(entry) {
    const body = $('hostrows');
    const empty = body.querySelector('tr.empty');
    if (empty) empty.remove();
    const id = entry.host.id;
    let before = null;
    for (const tr of body.querySelectorAll('tr.host')) {
      if (tr.dataset.id > id) {
        before = tr;
        break;
      }
    }
    body.insertBefore(entry.tr, before);
    body.insertBefore(entry.detail, before);
  }

  function remove(id) {
    const entry = rows.get(id);
    if (!entry) return;
    entry.tr.remove();
    entry.detail.remove();
    rows.delete(id);
  }

  function hostPath(id) {
    return 'api/hosts/' + encodeURIComponent(id);
  }

  // refreshAll re-reads every page of hosts; hosts gone from the store go
  // from the page too.
  async function refreshAll() {
    const seen = new Set();
    let cursor = '';
    for (let page = 0; page < 1000; page++) {
      const q = cursor ? '?limit=500&cursor=' + encodeURIComponent(cursor) : '?limit=500';
      const { status, data } = await api('GET', 'api/hosts' + q);
      if (status !== 200) {
        say('listing hosts: ' + (data.error || status), 'error');
        return;
      }
      setNow(data.now);
      for (const h of data.hosts) {
        seen.add(h.id);
        upsert(h);
      }
      if (!data.next) break;
      cursor = data.next;
    }
    for (const id of [...rows.keys()]) if (!seen.has(id)) remove(id);
    for (const id of open) drawDetail(id);
  }

  async function refreshHost(id) {
    const { status, data } = await api('GET', hostPath(id));
    if (status === 404) {
      remove(id);
      return;
    }
    if (status !== 200) return;
    setNow(data.now);
    upsert(data.host);
    if (open.has(id)) renderDetail(id, data);
  }

  async function act(id, action, button) {
    button.disabled = true;
    const { status, data } = await api('POST', hostPath(id) + '/actions', { action });
    if (status !== 202) {
      let text = action + ' ' + id + ': ' + (data.error || status);
      if (data.allowed) text += ' (allowed: ' + (data.allowed.join(', ') || 'nothing') + ')';
      say(text, 'error');
      await refreshHost(id);
      return;
    }
    say(action + ' ' + id + ': ' + data.status, 'info');
    await refreshHost(id);
    follow(data.ref, id, action);
  }

  // follow polls an action's resource until its outcome is known.
  async function follow(ref, id, action) {
    for (let i = 0; i < 3600; i++) {
      await new Promise((r) => setTimeout(r, 1000));
      const { status, data } = await api('GET', 'api/actions/' + encodeURIComponent(ref));
      if (status !== 200) return;
      if (data.state === 'done') {
        if (data.ok) say(action + ' ' + id + ': done, ' + data.status, 'info');
        else say(action + ' ' + id + ': ' + data.status + ': ' + data.error, 'error');
        await refreshHost(id);
        return;
      }
    }
  }

  async function reconcile(id, button) {
    button.disabled = true;
    const { status, data } = await api('POST', hostPath(id) + '/reconcile');
    if (status !== 200) {
      say('reconcile ' + id + ': ' + (data.error || status), 'error');
      await refreshHost(id);
      return;
    }
    const d = data.decision;
    let text = 'reconcile ' + id + ': ' + d.from + ' → ' + d.to + ' (' + d.reason;
    if (!d.changed && d.target !== d.to) text += ', ' + d.target + ' ' + d.count + '×';
    say(text + ')', 'info');
    upsert(data.host);
    if (open.has(id)) drawDetail(id);
  }

  function toggle(id) {
    const entry = rows.get(id);
    if (!entry) return;
    if (open.has(id)) {
      open.delete(id);
      entry.detail.hidden = true;
    } else {
      open.add(id);
      entry.detail.hidden = false;
      drawDetail(id);
    }
    fillRow(entry);
  }

  async function drawDetail(id) {
    const { status, data } = await api('GET', hostPath(id));
    if (status === 200) renderDetail(id, data);
  }

  const SVG = 'http://www.w3.org/2000/svg';

  function svg(tag, attrs) {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
    return e;
  }

  // renderDetail draws the host's timeline: the control-plane status above
  // the provider's raw status, over the history window.
  function renderDetail(id, data) {
    const entry = rows.get(id);
    if (!entry) return;
    const tl = data.timeline;
    const W = 900;
    const H = 74;
    const left = 70;
    const start = Date.parse(tl.start);
    const end = Date.parse(tl.end);
    const span = Math.max(1, end - start);
    const x = (iso) => left + ((Date.parse(iso) - start) / span) * (W - left - 10);
    const plot = svg('svg', { class: 'timeline', viewBox: '0 0 ' + W + ' ' + H, width: '100%', role: 'img' });
    plot.append(svg('title', {}));
    plot.firstChild.textContent = 'timeline of ' + id;
    const lanes = [
      ['status', tl.status, 8, (v) => 's-' + v],
      ['provider', tl.provider, 34, (v, i) => (v ? 'p-' + (i % 2) : 'p-none')],
    ];
    for (const [name, segs, y, cls] of lanes) {
      const t = svg('text', { x: 4, y: y + 15, class: 'lane' });
      t.textContent = name;
      plot.append(t);
      segs.forEach((s, i) => {
        const x0 = x(s.from);
        const w = Math.max(1, x(s.to) - x0);
        const r = svg('rect', { x: x0, y, width: w, height: 22, class: 'seg ' + cls(s.value, i) });
        r.dataset.value = s.value;
        const tip = svg('title', {});
        tip.textContent = name + ': ' + (s.value || 'none') + ' from ' + s.from + ' to ' + s.to;
        r.append(tip);
        plot.append(r);
        if (w > 8 * Math.max(1, s.value.length)) {
          const label = svg('text', { x: x0 + 3, y: y + 15, class: 'seglabel' });
          label.textContent = s.value;
          plot.append(label);
        }
      });
    }
    const axis = [
      [left, tl.start],
      [W - 10, tl.end],
    ];
    for (const [ax, iso] of axis) {
      const t = svg('text', { x: ax, y: H - 2, class: 'axis', 'text-anchor': ax === left ? 'start' : 'end' });
      t.textContent = new Date(Date.parse(iso)).toISOString().slice(5, 16).replace('T', ' ');
      plot.append(t);
    }
    const cell = el('td');
    cell.colSpan = 6;
    cell.append(plot);
    const list = el('ol', 'history');
    for (const t of data.history.slice(-20)) {
      list.append(el('li', '', t.at.replace('T', ' ').slice(0, 19) + '  ' + t.from + ' → ' + t.to + (t.reason ? ' (' + t.reason + ')' : '') + (t.raw_status ? '  [' + t.raw_status + ']' : '')));
    }
    cell.append(list);
    entry.detail.replaceChildren(cell);
  }

  function connect() {
    if (!window.EventSource) return;
    const conn = $('conn');
    const es = new EventSource('api/events');
    es.addEventListener('open', () => {
      conn.dataset.state = 'live';
      conn.textContent = 'live';
      refreshAll();
    });
    es.addEventListener('error', () => {
      conn.dataset.state = 'reconnecting';
      conn.textContent = 'reconnecting…';
    });
    es.addEventListener('transition', (e) => {
      try {
        refreshHost(JSON.parse(e.data).id);
      } catch (err) {
        refreshAll();
      }
    });
    es.addEventListener('reset', () => refreshAll());
  }

  function start() {
    try {
      const initial = JSON.parse($('initial').textContent);
      setNow(initial.now);
      for (const h of initial.hosts) upsert(h);
      if (initial.next) refreshAll();
      else if (initial.hosts.length === 0) $('hostrows').querySelector('tr.empty').firstChild.textContent = 'no hosts';
    } catch (e) {
      refreshAll();
    }
    connect();
    // Staleness and ages follow the clock, not events: re-read now and then.
    setInterval(refreshAll, 5000);
  }

  start();
})();
