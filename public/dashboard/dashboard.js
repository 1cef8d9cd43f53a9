/* CarBot Monitor dashboard: reads the token-gated JSON endpoints, charts with uPlot (from npm).
 * The token lives in sessionStorage only (this tab), is sent as a bearer header, never in a URL.
 * Every panel loads on its own and says why when its endpoint is missing (404) or down (503).
 * Elements, links, number and time formatting and the API client are the shared core's. */
import { alertsPanel } from "/dashboard/alerts.js";
import { drawChart as draw } from "/dashboard/charts.js";
import { checksPanel } from "/dashboard/checks.js";
import { incidentPanel } from "/dashboard/incidents.js";
import { visitorsPanel } from "/dashboard/visitors.js";
import { DEFAULT_ZONE, Unauthorized, apiClient, el, failureText, formatNumber, formatTime, httpsLink, showBanner, tokenStore } from "/shared/core.js";

(() => {
  const DAY_S = 86400;
  const LOCALE = "en-GB"; // the dashboard speaks English; the numbers read as its text does
  const $ = (id) => document.getElementById(id);
  const state = { token: tokenStore.get(), days: 30, traffic: "24h", visitors: "24h", charts: {}, series: null, deployments: [], trafficBody: null, liveRows: new Map(), criteriaLoad: null, criteria: null, thresholds: {}, zone: DEFAULT_ZONE };
  window.carbotDashboard = state; // the browser test reads the drawn charts from here

  const client = apiClient({
    token: () => state.token,
    onRejected: (status) => signOut(status === 401 ? "That token was rejected. Try again." : "Detail endpoints are closed (HEALTH_TOKEN not configured)."),
  });
  const api = (path) => client.get(path);
  const fmt = (v, unit) => formatNumber(v, unit, LOCALE);
  // Times in the product's zone (METRICS_TIMEZONE, from /api/criteria), the zone named.
  const when = (value) => formatTime(value, { zone: state.zone, locale: LOCALE });

  function unavailable(panel, result, what) {
    panel.replaceChildren(el("p", { class: "unavailable", text: failureText(result, what) }));
  }

  function isStoreDown(result) {
    return result.status === 503 && /store/.test(result.error || "");
  }

  const banner = (text) => showBanner($("banner"), text);

  const dayKey = (seconds) => new Date(seconds * 1000).toISOString().slice(0, 10);
  const toSeconds = (iso) => Date.parse(iso.length === 10 ? `${iso}T00:00:00Z` : iso) / 1000;

  // -- sign in / out ----------------------------------------------------------------------------

  function signOut(message) {
    tokenStore.clear();
    state.token = null;
    for (const chart of Object.values(state.charts)) chart.destroy();
    state.charts = {};
    $("main").hidden = true;
    $("sign-out").hidden = $("refresh").hidden = true;
    banner("");
    $("login").hidden = false;
    const error = $("login-error");
    error.textContent = message || "";
    error.hidden = !message;
    $("token").value = "";
    $("token").focus();
  }

  $("login-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const token = $("token").value.trim();
    if (!token) return;
    state.token = token;
    tokenStore.set(token);
    start();
  });
  $("sign-out").addEventListener("click", () => signOut(""));
  $("refresh").addEventListener("click", () => loadAll());

  function start() {
    $("login").hidden = true;
    $("main").hidden = false;
    $("sign-out").hidden = $("refresh").hidden = false;
    $("main").focus();
    loadAll();
  }

  async function loadAll() {
    banner("");
    state.criteriaLoad = loadCriteria();
    const jobs = [loadMetrics(), loadStatus().then(loadTraffic), loadAlerts(), loadReport("weekly"), loadReport("monthly"), loadDoctor(),
      state.criteriaLoad.then(() => checks.load()), visitors.load(state.visitors)]; // checks' times in METRICS_TIMEZONE
    for (const job of jobs) job.catch((error) => { if (!(error instanceof Unauthorized)) console.error(error); });
  }

  const drawChart = (id, container, options) => draw(state.charts, id, container, options, fmt);

  // -- daily metrics and success criteria -------------------------------------------------------

  // The guide's criteria and the threshold lines come from /api/criteria (lib/reports/criteria.py
  // and the configured alert rules), never copied here.
  async function loadCriteria() {
    const result = await api("/api/criteria");
    if (result.ok && result.body) {
      state.criteria = result.body.criteria;
      state.thresholds = result.body.thresholds;
      state.zone = result.body.timezone;
    }
    return result;
  }

  async function loadMetrics() {
    const panel = $("metrics");
    const tiles = $("criteria");
    const [result, criteria] = await Promise.all([api("/api/metrics?metric=all&days=365"), state.criteriaLoad]);
    if (!result.ok) {
      if (isStoreDown(result)) banner(`The monitor's store is unavailable (${result.error}). Panels that need it are empty; the others still work.`);
      unavailable(panel, result, "Daily metrics");
      unavailable(tiles, result, "Success criteria");
      return;
    }
    state.series = result.body;
    drawMetrics();
    if (state.criteria) drawCriteria();
    else unavailable(tiles, criteria, "Success criteria");
  }

  function seriesWindow(days) {
    const last = toSeconds(state.series.last);
    const xs = [];
    for (let i = days - 1; i >= 0; i--) xs.push(last - i * DAY_S);
    return xs;
  }

  function valuesOf(metric) {
    const found = state.series.series.find((s) => s.metric === metric);
    return found ? new Map(found.points.map((p) => [p.day, p.value])) : new Map();
  }

  function drawMetrics() {
    const panel = $("metrics");
    for (const [id, chart] of Object.entries(state.charts)) if (id.startsWith("metric-")) { chart.destroy(); delete state.charts[id]; }
    panel.replaceChildren();
    const xs = seriesWindow(state.days);
    const range = [xs[0], xs[xs.length - 1]];
    const empty = [];
    for (const s of state.series.series) {
      const values = valuesOf(s.metric);
      const ys = xs.map((x) => (values.has(dayKey(x)) ? values.get(dayKey(x)) : null));
      if (!ys.some((v) => v != null)) { empty.push(s.metric); continue; }
      drawChart(`metric-${s.metric}`, panel, { title: s.metric, unit: s.unit, xs, ys, range, threshold: state.thresholds[s.metric] });
    }
    // Every name (60+ metrics since the business ones): the default 500-character cut hid the last.
    if (empty.length) panel.append(el("p", { class: "muted", text: `No data in the last ${state.days} days: ${empty.join(", ")}.`, limit: 4000 }));
  }

  function mean(values) {
    return values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
  }

  function windowMean(values, xs) {
    return mean(xs.map((x) => values.get(dayKey(x))).filter((v) => v != null));
  }

  function drawCriteria() {
    const tiles = $("criteria");
    tiles.replaceChildren();
    const all = seriesWindow(60);
    for (const c of state.criteria) {
      const metric = c.metrics.find((m) => valuesOf(m).size) || c.metrics[0];
      const values = valuesOf(metric);
      const tile = el("article", { class: "tile", "data-metric": metric });
      tile.append(el("h3", { text: c.label }), el("p", { class: "muted", text: `target ${c.target_text}` }));
      tile.append(el("p", { class: "muted source", text: `7 and 30 days: the daily metric ${metric} (complete days, daily metrics cron)` }));
      for (const days of [7, 30]) {
        const now = windowMean(values, all.slice(-days));
        const before = windowMean(values, all.slice(-2 * days, -days));
        const row = el("p", { class: "criterion", "data-days": String(days) });
        if (now == null) {
          row.append(el("span", { class: "badge none", text: "no data" }), ` ${days} days`);
        } else {
          const met = c.op === ">" ? now > c.target : now < c.target;
          row.classList.add(met ? "met" : "missed");
          row.append(el("span", { class: `badge ${met ? "met" : "missed"}`, text: met ? "met" : "missed" }), ` ${days} days: ${fmt(now, c.unit)} `);
          if (before != null && before !== now) {
            const better = c.op === ">" ? now > before : now < before;
            row.append(el("span", { class: `trend ${better ? "better" : "worse"}`, text: now > before ? "▲" : "▼", title: `${better ? "better" : "worse"} than the ${days} days before (${fmt(before, c.unit)})`, "aria-label": `${better ? "better" : "worse"} than the ${days} days before` }));
          }
        }
        tile.append(row);
      }
      if (c.traffic_total) {
        const row = el("p", { class: "criterion", "data-source": "traffic" });
        state.liveRows.set(c, row);
        tile.append(row);
      }
      tiles.append(tile);
    }
    drawLive();
  }

  // The criteria rows read from /api/traffic: the same window and figures as the traffic panel.
  function drawLive() {
    const body = state.trafficBody;
    for (const [c, row] of state.liveRows) {
      if (!row.isConnected) { state.liveRows.delete(c); continue; }
      const where = body ? `last ${body.window} (traffic panel, Vercel drains)` : "traffic panel (Vercel drains)";
      const now = body && body.totals ? body.totals[c.traffic_total] : null;
      row.className = "criterion";
      if (now == null) {
        row.replaceChildren(el("span", { class: "badge none", text: "no data" }), ` ${where}`);
        continue;
      }
      const met = c.op === ">" ? now > c.target : now < c.target;
      row.classList.add(met ? "met" : "missed");
      row.replaceChildren(el("span", { class: `badge ${met ? "met" : "missed"}`, text: met ? "met" : "missed" }), ` ${where}: ${fmt(now, c.unit)}`);
    }
  }

  document.querySelectorAll("[data-days]").forEach((button) => {
    if (button.tagName !== "BUTTON") return;
    button.addEventListener("click", () => {
      state.days = Number(button.dataset.days);
      document.querySelectorAll("button[data-days]").forEach((b) => b.setAttribute("aria-pressed", String(b === button)));
      if (state.series) drawMetrics();
    });
  });

  $("csv").addEventListener("click", async (event) => {
    event.preventDefault();
    const response = await fetch(`/api/metrics?metric=all&days=${state.days}&format=csv`, { headers: { Authorization: `Bearer ${state.token}` } });
    if (!response.ok) return banner(`CSV export failed: HTTP ${response.status}`);
    const link = el("a", { href: URL.createObjectURL(await response.blob()), download: `carbot-metrics-${state.days}d.csv` });
    link.click();
    URL.revokeObjectURL(link.href);
  });

  // -- status: providers, deployments -----------------------------------------------------------

  // /api/status `providers`: {name: ProviderView}, each with its title and open incidents
  // (lib/endpoints/status_providers.py).
  const incidentsOf = (providers) => Object.values(providers).flatMap((p) => p.incidents.map((i) => ({ provider: p.title, ...i })));

  // Components from /api/status; incidents (drafts too) and maintenance from /api/incidents.
  const communication = incidentPanel({ client, container: $("communication"), zone: () => state.zone, reload: () => loadStatus().catch(() => {}) });

  async function loadStatus() {
    const panel = $("providers");
    const [result, events] = await Promise.all([api("/api/status"), api("/api/incidents")]);
    if (!result.ok || !result.body) {
      communication.unavailable(result);
      return unavailable(panel, result, "Provider status");
    }
    const status = result.body;
    communication.render(status, events);
    // Deployment markers: when each production deployment went live (DeploymentView; absent
    // without the token).
    state.deployments = (status.deployments || []).map((d) => toSeconds(d.promoted_at || d.ready_at || d.created_at));
    const incidents = incidentsOf(status.providers).filter((i) => !/resolved|completed|postmortem/.test(i.status));
    if (!incidents.length) return panel.replaceChildren(el("p", { class: "ok", text: "No open provider incidents." }));
    const list = el("ul", { class: "incidents" });
    for (const i of incidents) {
      const link = httpsLink(i.url);
      const name = link ? el("a", { href: link, rel: "noopener noreferrer", text: i.name }) : el("span", { text: i.name });
      list.append(el("li", {}, el("strong", { text: `${i.provider}: ` }), name, el("span", { class: "muted", text: ` ${i.impact || ""} ${i.status || ""} since ${when(i.started_at)}` })));
    }
    panel.replaceChildren(list);
  }

  // -- traffic ----------------------------------------------------------------------------------

  async function loadTraffic() {
    const panel = $("traffic");
    const [result] = await Promise.all([api(`/api/traffic?window=${state.traffic}`), state.criteriaLoad]);
    state.trafficBody = result.ok && result.body && result.body.totals ? result.body : null;
    drawLive();
    if (!result.ok || !result.body) return unavailable(panel, result, "Traffic (Vercel drains)");
    const body = result.body;
    const rows = body.series; // TrafficBody (lib/endpoints/traffic.py): one Keyed row a step
    for (const [id, chart] of Object.entries(state.charts)) if (id.startsWith("traffic-")) { chart.destroy(); delete state.charts[id]; }
    panel.replaceChildren();
    if (!rows.length) return panel.append(el("p", { class: "muted", text: "No drain data in this window yet." }));
    // Every step of the window, null where no bucket came: gaps, and an axis over the window.
    // Steps start at multiples of step_s since the epoch (the store's keys), so the first one may
    // begin before `start` (7 d: 6-hour steps over an hour-aligned window).
    const end = toSeconds(body.end);
    const step = body.step_s;
    const first = Math.floor(toSeconds(body.start) / step) * step;
    const byTime = new Map(rows.map((r) => [toSeconds(r.key), r]));
    const xs = [];
    for (let t = first; t < end; t += step) xs.push(t);
    const range = [first, end];
    // The markers are /api/status's deployments: /api/traffic's `deployments` are request counts
    // per deployment id, with no time.
    const markers = state.deployments;
    const lines = [
      ["requests", "Requests", "count", "requests"],
      ["error-rate", "Error rate", "%", "error_rate_pct"],
      ["p95", "Response p95", "ms", "p95_ms"],
    ];
    for (const [id, title, unit, key] of lines) {
      const ys = xs.map((x) => (byTime.has(x) ? byTime.get(x)[key] : null));
      drawChart(`traffic-${id}`, panel, { title, unit, xs, ys, markers, range, daily: false, threshold: id === "error-rate" ? state.thresholds.error_rate_pct : null });
    }
    if (markers.length) panel.append(el("p", { class: "muted legend-note", text: "Dashed violet lines: deployments." }));
  }

  document.querySelectorAll("button[data-traffic]").forEach((button) => {
    button.addEventListener("click", () => {
      state.traffic = button.dataset.traffic;
      document.querySelectorAll("button[data-traffic]").forEach((b) => b.setAttribute("aria-pressed", String(b === button)));
      loadTraffic().catch(() => {});
    });
  });

  // -- synthetic checks, visitors (public/dashboard/checks.js, visitors.js) ----------------------

  const checks = checksPanel({ api, container: $("checks"), fmt, when });
  const visitors = visitorsPanel({ api, container: $("visitors"), fmt });

  document.querySelectorAll("button[data-visitors]").forEach((button) => {
    button.addEventListener("click", () => {
      state.visitors = button.dataset.visitors;
      document.querySelectorAll("button[data-visitors]").forEach((b) => b.setAttribute("aria-pressed", String(b === button)));
      visitors.load(state.visitors).catch(() => {});
    });
  });

  // -- alerts, reports, doctor ------------------------------------------------------------------

  // On call now and the timeline with acknowledgements (public/dashboard/alerts.js).
  const alerts = alertsPanel({ client, container: $("alerts"), when });
  const loadAlerts = () => alerts.load();

  async function loadReport(kind) {
    const panel = $(`report-${kind}`);
    const result = await api(`/api/reports/${kind}?format=html`);
    if (result.status === 404 && result.error && /no .* report stored/.test(result.error)) {
      return panel.replaceChildren(el("p", { class: "muted", text: `No ${kind} report stored yet.` }));
    }
    if (!result.ok || typeof result.body !== "string") return unavailable(panel, result, `The ${kind} report`);
    // A sandboxed frame: the report's HTML is shown, never run, and cannot reach this page.
    const frame = el("iframe", { sandbox: "", title: `Latest ${kind} report`, class: "report" });
    frame.srcdoc = reportDocument(result.body);
    panel.replaceChildren(frame);
  }

  // The report is the e-mail's HTML (the server escaped every value), styled inline because mail
  // clients drop <style>. The frame inherits this page's CSP, which allows no inline style: the
  // inert copy parsed here loses its style attributes and anything active, and takes the same
  // look from report.css. (The server escapes `"` in every value, so a `style="…"` in its HTML
  // is always a real attribute; Chromium checks style-src even while DOMParser parses.)
  function reportDocument(html) {
    const doc = new DOMParser().parseFromString(html.replace(/\sstyle="[^"]*"/g, ""), "text/html");
    doc.querySelectorAll("[style]").forEach((node) => node.removeAttribute("style"));
    doc.querySelectorAll("script, style, link, base, meta[http-equiv], iframe, object, embed").forEach((node) => node.remove());
    const sheet = doc.createElement("link");
    sheet.rel = "stylesheet";
    sheet.href = "/dashboard/report.css";
    doc.head.append(sheet);
    return `<!doctype html>${doc.documentElement.outerHTML}`;
  }

  async function loadDoctor() {
    const panel = $("doctor");
    const result = await api("/api/doctor");
    if (!result.ok || !result.body) return unavailable(panel, result, "Setup doctor");
    const { items, summary } = result.body;
    const counts = Object.entries(summary.counts).filter(([, n]) => n).map(([s, n]) => `${n} ${s.replace("_", " ")}`).join(", ");
    const list = el("ul", { class: "doctor" });
    for (const item of items) {
      const li = el("li", { class: `check ${item.status}`, "data-check": item.id },
        el("span", { class: `badge ${item.status}`, text: item.status.replace("_", " ") }), " ",
        el("strong", { text: item.title }), el("div", { class: "evidence", text: item.evidence }));
      if (item.fix) li.append(el("div", { class: "fix", text: `Fix: ${item.fix}` }));
      if (item.runbook && item.runbook.length) {
        const steps = el("ol");
        for (const step of item.runbook) steps.append(el("li", { text: step }));
        li.append(el("details", {}, el("summary", { text: "Runbook" }), steps));
      }
      list.append(li);
    }
    panel.replaceChildren(el("p", { class: `summary ${summary.status}`, text: `Overall: ${summary.status} (${counts})` }), list);
  }

  let resizing;
  window.addEventListener("resize", () => {
    clearTimeout(resizing);
    resizing = setTimeout(() => {
      for (const chart of Object.values(state.charts)) {
        const width = Math.max(260, Math.min(chart.root.parentElement.parentElement.clientWidth, 860));
        chart.setSize({ width, height: 170 });
      }
    }, 150);
  });

  if (typeof uPlot === "undefined") {
    banner("The charting library did not load (public/dashboard/vendor/ is built by `npm run build`).");
  }
  if (state.token) start(); else signOut("");
})();
