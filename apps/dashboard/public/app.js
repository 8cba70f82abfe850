// Tender operator dashboard: reads GET /v1/operator/overview, follows
// GET /v1/operator/events (server-sent events) and re-reads the overview,
// debounced, whenever the market reports a change. No framework, no CDN.
import { ago, formatCount, formatWei, percent, shortHex, shortId } from './format.js';

const API = new URL('../', window.location.href); // the api root: the dashboard lives at /dashboard/
const TOKEN_KEY = 'tender.operatorToken';
const DEBOUNCE_MS = 250; // coalesce bursts of events into one read...
const MAX_WAIT_MS = 2000; // ...but under a steady stream still refresh at least this often
const POLL_MS = 30000; // safety net when the event stream is down

const JOB_STATUSES = [
  'submitted',
  'auctioning',
  'assigned',
  'proving',
  'proven',
  'batched',
  'verified',
  'expired',
  'cancelled',
  'rejected',
];
const IN_FLIGHT = ['submitted', 'auctioning', 'assigned', 'proving', 'proven', 'batched'];
const ENDED_UNPROVEN = ['expired', 'cancelled', 'rejected'];

const state = { overview: null, jobStatus: new Map(), events: [], source: null, timer: null, firstAt: 0 };

// ─── DOM helpers (text only: nothing from the api is ever parsed as HTML) ──────

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'style')
      Object.assign(el.style, value); // CSSOM, allowed by the CSP (attributes are not)
    else if (key.startsWith('data-')) el.setAttribute(key, value);
    else if (key === 'title') el.title = value;
    else el.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

const badge = (status) => h('span', { class: `badge s-${status}` }, status.replace('_', ' '));
const wei = (value) => h('span', { title: value === null ? undefined : `${value} wei` }, formatWei(value));
const hex = (value, keep) => h('code', { title: value ?? undefined }, shortHex(value, keep));
const time = (ms) =>
  h(
    'time',
    {
      datetime: ms ? new Date(ms).toISOString() : undefined,
      title: ms ? new Date(ms).toLocaleString() : undefined,
      'data-ago': ms ?? undefined,
    },
    ago(ms),
  );

function setMetric(name, text, title) {
  for (const el of document.querySelectorAll(`[data-metric="${name}"]`)) {
    el.textContent = text;
    if (title) el.title = title;
  }
}

function fillTable(id, rows, empty, columns) {
  const body = document.querySelector(`#${id} tbody`);
  const fragment = document.createDocumentFragment();
  if (rows.length === 0) {
    fragment.append(h('tr', { class: 'empty' }, h('td', { colspan: String(columns) }, empty)));
  } else {
    for (const row of rows) fragment.append(row);
  }
  body.replaceChildren(fragment);
}

// ─── Rendering ──────────────────────────────────────────────────────────────

function renderCards(o) {
  const by = o.jobs.byStatus;
  const sum = (statuses) => statuses.reduce((n, s) => n + (by[s] ?? 0), 0);
  setMetric('jobs-total', formatCount(o.jobs.total));
  setMetric('jobs-in-flight', formatCount(sum(IN_FLIGHT)));
  setMetric('jobs-verified', formatCount(by.verified));
  setMetric('jobs-failed', formatCount(sum(ENDED_UNPROVEN)));
  setMetric('provers-alive', formatCount(o.provers.alive));
  setMetric('provers-total', formatCount(o.provers.total));
  setMetric('assignments-active', formatCount(o.provers.list.reduce((n, p) => n + p.activeAssignments, 0)));
  setMetric('auctions-open', formatCount(o.auctions.open));
  setMetric('verified-last-minute', formatCount(o.throughput.verifiedLastMinute));
  setMetric('verified-last-hour', formatCount(o.throughput.verifiedLastHour));
  setMetric('proven-last-minute', formatCount(o.throughput.provenLastMinute));
  setMetric('batches-confirmed', formatCount(o.batches.byStatus.confirmed));
  setMetric('batches-pending', formatCount(o.batches.byStatus.pending + o.batches.byStatus.submitted));
  setMetric('proofs-settled', formatCount(o.batches.confirmedProofs));
  setMetric('gas-per-proof', formatCount(o.batches.gasPerProof));
  const s = o.slashes.byStatus;
  setMetric('slashes-total', formatCount(s.pending + s.submitted + s.confirmed + s.failed));
  setMetric('slashes-confirmed', formatCount(s.confirmed));
  setMetric('slashes-pending', formatCount(s.pending + s.submitted));
  setMetric('slashed', formatWei(o.slashes.slashedWei), `${o.slashes.slashedWei} wei`);
  setMetric('escrow-settled', formatWei(o.money.escrowSettledWei), `${o.money.escrowSettledWei} wei`);
  setMetric('paid-to-provers', formatWei(o.money.paidToProversWei), `${o.money.paidToProversWei} wei`);
  setMetric(
    'awaiting-settlement',
    formatWei(o.money.awaitingSettlementWei),
    `${o.money.awaitingSettlementWei} wei`,
  );
  setMetric('fees-earned', formatWei(o.money.feesEarnedWei), `${o.money.feesEarnedWei} wei`);
  setMetric(
    'collateral-locked',
    formatWei(o.money.collateralLockedWei),
    `${o.money.collateralLockedWei} wei`,
  );
}

function renderStatusBar(o) {
  const total = o.jobs.total;
  const bar = document.getElementById('status-bar');
  const legend = document.getElementById('status-legend');
  bar.replaceChildren(
    ...JOB_STATUSES.filter((s) => o.jobs.byStatus[s] > 0).map((s) =>
      h('span', {
        class: `seg s-${s}`,
        style: { flexGrow: String(o.jobs.byStatus[s]) },
        title: `${s}: ${o.jobs.byStatus[s]}`,
      }),
    ),
  );
  if (total === 0) bar.append(h('span', { class: 'seg none' }));
  legend.replaceChildren(
    ...JOB_STATUSES.map((s) =>
      h(
        'li',
        { class: o.jobs.byStatus[s] === 0 ? 'zero' : undefined },
        h('span', { class: `swatch s-${s}` }),
        `${s} `,
        h('strong', { 'data-status-count': s }, formatCount(o.jobs.byStatus[s])),
      ),
    ),
  );
}

function renderJobs(o) {
  const changed = new Set();
  for (const job of o.recentJobs) {
    const before = state.jobStatus.get(job.id);
    if (state.overview !== null && before !== job.status) changed.add(job.id);
    state.jobStatus.set(job.id, job.status);
  }
  const rows = o.recentJobs.map((j) =>
    h(
      'tr',
      { 'data-job-id': j.id, class: changed.has(j.id) ? 'flash' : undefined },
      h('td', {}, h('code', { title: j.id }, shortId(j.id))),
      h('td', { 'data-field': 'status', title: j.statusReason ?? undefined }, badge(j.status)),
      h('td', { title: j.circuitId }, j.circuitName),
      h('td', { class: 'num' }, j.round),
      h('td', { class: 'num' }, j.priceWei === null ? h('span', { class: 'muted' }, '—') : wei(j.priceWei)),
      h('td', {}, j.proverAddress ? hex(j.proverAddress) : h('span', { class: 'muted' }, '—')),
      h('td', {}, time(j.updatedAt)),
    ),
  );
  fillTable('jobs', rows, 'No jobs yet. Submit one with POST /v1/jobs.', 7);
}

function renderProvers(o) {
  const rows = o.provers.list.map((p) =>
    h(
      'tr',
      { 'data-prover': p.address },
      h('td', {}, hex(p.address, 6), p.name ? h('span', { class: 'muted' }, ` ${p.name}`) : null),
      h('td', {}, h('span', { class: `kind k-${p.kind}` }, p.kind)),
      h('td', {}, h('span', { class: `alive ${p.alive ? 'yes' : 'no'}` }, p.alive ? 'alive' : 'silent')),
      h('td', {}, time(p.lastHeartbeatAt)),
      h(
        'td',
        { class: 'num' },
        h('meter', { min: '0', max: '1', value: String(p.reliability) }),
        ` ${percent(p.reliability)}`,
      ),
      h('td', { class: 'num' }, `${p.activeAssignments} / ${p.maxConcurrency}`),
      h('td', { class: 'num' }, wei(p.stakeWei)),
      h(
        'td',
        { class: 'num' },
        wei(p.collateralLockedWei),
        h('span', { class: 'muted' }, ' / '),
        wei(p.collateralTotalWei),
      ),
    ),
  );
  fillTable('provers', rows, 'No provers registered.', 8);
}

function renderBatches(o) {
  const rows = o.batches.recent.map((b) =>
    h(
      'tr',
      { 'data-batch-id': b.id, title: b.error ?? undefined },
      h('td', {}, h('code', { title: b.id }, shortId(b.id))),
      h('td', {}, badge(b.status)),
      h('td', { class: 'num' }, b.size),
      h('td', {}, b.txHash ? hex(b.txHash, 6) : h('span', { class: 'muted' }, '—')),
      h('td', { class: 'num' }, b.blockNumber ?? '—'),
      h('td', { class: 'num' }, formatCount(b.gasUsed)),
      h('td', { class: 'num', 'data-field': 'gas-per-proof' }, formatCount(b.gasPerProof)),
      h('td', {}, time(b.createdAt)),
    ),
  );
  fillTable('batches', rows, 'No batches yet.', 8);
}

function renderSlashes(o) {
  const rows = o.slashes.recent.map((s) =>
    h(
      'tr',
      { 'data-slash-id': s.id, title: s.error ?? undefined },
      h('td', {}, h('code', { title: s.id }, shortId(s.id))),
      h('td', {}, badge(s.status)),
      h('td', {}, hex(s.proverAddress)),
      h('td', {}, h('code', { title: s.jobId }, shortId(s.jobId))),
      h(
        'td',
        {
          class: 'num',
          title:
            s.slashedWei === null
              ? undefined
              : `${s.slashedWei} wei slashed: ${s.challengerRewardWei ?? '?'} wei to the challenger, ${s.requesterRewardWei ?? '?'} wei to the requester`,
        },
        formatWei(s.slashedWei),
      ),
      h('td', {}, s.txHash ? hex(s.txHash) : h('span', { class: 'muted' }, '—')),
      h('td', {}, time(s.createdAt)),
    ),
  );
  fillTable('slashes', rows, 'No slashes. Every proof so far was honest.', 7);
}

function render(o) {
  renderCards(o);
  renderStatusBar(o);
  renderJobs(o);
  renderProvers(o);
  renderBatches(o);
  renderSlashes(o);
  state.overview = o;
  const updated = document.getElementById('updated');
  updated.textContent = new Date(o.generatedAt).toLocaleTimeString();
  updated.dateTime = new Date(o.generatedAt).toISOString();
  document.body.dataset.generatedAt = String(o.generatedAt);
}

function renderActivity() {
  const list = document.getElementById('activity');
  if (state.events.length === 0) return;
  list.replaceChildren(
    ...state.events.map((e) =>
      h(
        'li',
        { 'data-event-type': e.type },
        h('time', { title: new Date(e.at).toLocaleString() }, new Date(e.at).toLocaleTimeString()),
        ' ',
        h('span', { class: 'etype' }, e.type),
        ' ',
        h('code', { title: e.id }, shortId(e.id)),
        e.status ? [' → ', badge(e.status)] : null,
      ),
    ),
  );
}

// ─── Data ────────────────────────────────────────────────────────────────────

function token() {
  const fromHash = new URLSearchParams(window.location.hash.slice(1)).get('token');
  if (fromHash) {
    localStorage.setItem(TOKEN_KEY, fromHash);
    history.replaceState(null, '', window.location.pathname + window.location.search);
  }
  return localStorage.getItem(TOKEN_KEY);
}

function showAuth(message) {
  document.getElementById('auth').hidden = false;
  document.getElementById('auth-message').textContent = message;
  setLive('blocked', 'not authorized');
}

function setLive(stateName, text) {
  const live = document.getElementById('live');
  live.dataset.state = stateName;
  document.getElementById('live-text').textContent = text;
}

async function refresh() {
  clearTimeout(state.timer);
  state.timer = null;
  state.firstAt = 0;
  const headers = { accept: 'application/json' };
  const t = token();
  if (t) headers.authorization = `Bearer ${t}`;
  try {
    const res = await fetch(new URL('v1/operator/overview', API), { headers, cache: 'no-store' });
    if (res.status === 401 || res.status === 403) {
      const problem = await res.json().catch(() => ({}));
      showAuth(problem.detail ?? 'This api needs the operator token.');
      return false;
    }
    if (!res.ok) throw new Error(`overview answered ${res.status}`);
    render(await res.json());
    return true;
  } catch (error) {
    setLive('error', `overview failed: ${error.message}`);
    return false;
  }
}

/** Debounced refresh: waits for a quiet DEBOUNCE_MS, but never more than MAX_WAIT_MS after the first event. */
function scheduleRefresh() {
  const now = Date.now();
  if (state.firstAt === 0) state.firstAt = now;
  clearTimeout(state.timer);
  const wait = Math.min(DEBOUNCE_MS, Math.max(0, state.firstAt + MAX_WAIT_MS - now));
  state.timer = setTimeout(refresh, wait);
}

function connect() {
  state.source?.close();
  const url = new URL('v1/operator/events', API);
  const t = token();
  if (t) url.searchParams.set('access_token', t);
  const source = new EventSource(url);
  state.source = source;
  source.onopen = () => {
    setLive('live', 'live');
    void refresh(); // events are not replayed: read the current state on every (re)connect
  };
  source.onmessage = (message) => {
    try {
      const event = JSON.parse(message.data);
      state.events = [event, ...state.events].slice(0, 25);
      renderActivity();
    } catch {
      // not an OperatorEvent: ignore, still refresh
    }
    scheduleRefresh();
  };
  source.onerror = () => {
    if (source.readyState === EventSource.CLOSED) {
      // the api refused the stream (e.g. 401): find out why through the overview, retry later
      setLive('error', 'disconnected');
      void refresh().then((ok) => ok && setTimeout(connect, 5000));
    } else {
      setLive('reconnecting', 'reconnecting…');
    }
  };
}

function tickTimes() {
  const now = Date.now();
  for (const el of document.querySelectorAll('time[data-ago]'))
    el.textContent = ago(Number(el.dataset.ago), now);
}

document.getElementById('auth-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const value = document.getElementById('token').value.trim();
  if (value) localStorage.setItem(TOKEN_KEY, value);
  else localStorage.removeItem(TOKEN_KEY);
  document.getElementById('auth').hidden = true;
  void refresh().then((ok) => ok && connect());
});

setInterval(tickTimes, 5000);
setInterval(() => {
  if (state.source?.readyState !== EventSource.OPEN) void refresh();
}, POLL_MS);
void refresh().then((ok) => {
  if (ok) connect();
});
