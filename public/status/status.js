// CarBot status page: reads the public /api/status every 60 s and draws everything itself.
"use strict";

(function () {
  const REFRESH_MS = 60000;
  const CHART_DAYS = 30;
  const SVG_NS = "http://www.w3.org/2000/svg";
  const SERIES_COLORS = ["#1a73e8", "#d93025", "#2fb344", "#f4b400", "#8e44ad", "#00838f"];
  const WORDS = {
    operational: "Operational",
    degraded: "Degraded",
    down: "Down",
    unknown: "No recent data",
  };

  // Outside text (incident names, statuses, reasons) is only ever textContent, cleaned as
  // lib/core/safe_text.py does: control and bidi characters show as U+FFFD, length bounded.
  const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ufff9-\ufffb]/g;
  function plain(text, limit) {
    const shown = String(text).replace(/\u001b\[[0-?]*[ -\/]*[@-~]/g, "").replace(/[\t\r\n]+/g, " ").replace(UNSAFE, "\ufffd");
    const max = limit || 500;
    return shown.length > max ? shown.slice(0, max - 1) + "\u2026" : shown;
  }

  // The one rule for links (as lib/core/safe_text.py https_link): an absolute https:// URL
  // with a host, no user part and nothing hidden; anything else is shown as text.
  function httpsLink(value) {
    if (typeof value !== "string" || value.length > 2048 || !value.startsWith("https://")) return null;
    if (/[\s"'<>`\\\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2066-\u2069]/.test(value)) return null;
    try {
      const url = new URL(value);
      return url.protocol === "https:" && url.hostname && !url.username && !url.password ? value : null;
    } catch {
      return null;
    }
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = plain(text);
    return node;
  }

  function svg(tag, attributes) {
    const node = document.createElementNS(SVG_NS, tag);
    for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, value);
    return node;
  }

  // Two decimals rounded down, as the badge: the API's 99.999 reads 99.99 %, never 100.00 %.
  function twoDecimals(value) {
    return value.toFixed(3).slice(0, -1);
  }

  function pct(value) {
    return value === null || value === undefined ? "–" : twoDecimals(value) + " %";
  }

  function ms(value) {
    return value === null || value === undefined ? "–" : Math.round(value) + " ms";
  }

  function when(iso) {
    return iso ? new Date(iso).toLocaleString() : "never";
  }

  function dayClass(value) {
    if (value === null || value === undefined) return "day-none";
    if (value >= 99.9) return "day-good";
    if (value >= 99) return "day-fair";
    if (value >= 95) return "day-poor";
    return "day-bad";
  }

  function renderBanner(status) {
    const banner = document.getElementById("banner");
    banner.className = "banner banner-" + status.status;
    document.getElementById("banner-text").textContent = status.description;
    let detail = "";
    if (status.maintenance) {
      detail = status.maintenance.reason;
      if (status.maintenance.ends_at) detail += " until " + when(status.maintenance.ends_at);
    } else if (status.reason) {
      detail = status.reason;
    }
    document.getElementById("banner-detail").textContent = detail;
  }

  function renderTiles(status) {
    document.getElementById("uptime-24h").textContent = pct(status.uptime["24h"]);
    document.getElementById("uptime-7d").textContent = pct(status.uptime["7d"]);
    document.getElementById("uptime-30d").textContent = pct(status.uptime["30d"]);
    document.getElementById("response-24h").textContent = ms(status.avg_response_ms["24h"]);
    // Real traffic (Vercel Drains): the share of visitors' requests answered without an error.
    const traffic = status.traffic_availability;
    document.getElementById("traffic-tile").hidden = !traffic;
    if (traffic) document.getElementById("traffic-30d").textContent = pct(traffic["30d"]);
  }

  function renderServices(status) {
    const container = document.getElementById("services");
    const history = status.history;
    container.replaceChildren();
    const names = Object.keys(status.services);
    if (names.length === 0) {
      container.append(el("p", "service muted", "No checks recorded yet."));
      return;
    }
    for (const name of names) {
      const service = status.services[name];
      const row = el("div", "service");
      row.dataset.service = name;
      const head = el("div", "service-head");
      head.append(el("span", "service-name", service.title));
      const word = el("span", "service-word word-" + service.status, WORDS[service.status]);
      word.title = "Last check: " + when(service.checked_at);
      head.append(word);
      row.append(head);

      const bars = el("div", "bars");
      bars.setAttribute("role", "img");
      const series = history && history.services[name];
      const days = history ? history.days : [];
      bars.setAttribute("aria-label", service.title + ": uptime per day for " + days.length + " days");
      days.forEach(function (day, i) {
        const value = series ? series.uptime_pct[i] : null;
        const cell = el("div", "bar " + dayClass(value));
        const checks = series ? series.checks[i] : 0;
        cell.title = value === null
          ? day + ": no data"
          : day + ": " + twoDecimals(value) + " % uptime (" + checks + " checks)";
        bars.append(cell);
      });
      row.append(bars);

      const foot = el("div", "service-foot");
      foot.append(el("span", "", days.length + " days ago"));
      foot.append(el("span", "", pct(service.uptime["30d"]) + " uptime (30 days)"));
      foot.append(el("span", "", "today"));
      row.append(foot);
      container.append(row);
    }
  }

  function niceCeiling(value) {
    if (value <= 0) return 10;
    const power = Math.pow(10, Math.floor(Math.log10(value)));
    for (const step of [1, 2, 2.5, 5, 10]) {
      if (value <= step * power) return step * power;
    }
    return 10 * power;
  }

  function renderChart(status) {
    const chart = document.getElementById("chart");
    const legend = document.getElementById("chart-legend");
    chart.replaceChildren();
    legend.replaceChildren();
    const history = status.history;
    if (!history) return;
    const start = Math.max(0, history.days.length - CHART_DAYS);
    const days = history.days.slice(start);
    const names = Object.keys(history.services);
    const values = names.flatMap(function (name) {
      return history.services[name].avg_response_ms.slice(start).filter(function (v) {
        return v !== null;
      });
    });
    // Drawn at the container's own pixel width so the labels stay 11 px on a phone too.
    const width = Math.max(280, Math.min(860, chart.clientWidth - 16 || 800));
    const height = width < 500 ? 200 : 240;
    const pad = { left: 52, right: 14, top: 12, bottom: 28 };
    const top = niceCeiling(values.length ? Math.max.apply(null, values) : 0);
    const x = function (i) {
      return pad.left + (i * (width - pad.left - pad.right)) / Math.max(1, days.length - 1);
    };
    const y = function (v) {
      return pad.top + (1 - v / top) * (height - pad.top - pad.bottom);
    };
    const root = svg("svg", {
      viewBox: "0 0 " + width + " " + height,
      role: "img",
      "aria-labelledby": "chart-title",
    });
    const title = svg("title", { id: "chart-title" });
    title.textContent = "Average response time per day over the last " + days.length + " days";
    root.append(title);
    for (let k = 0; k <= 4; k++) {
      const value = (top * k) / 4;
      root.append(svg("line", { class: "grid", x1: pad.left, x2: width - pad.right, y1: y(value), y2: y(value) }));
      const label = svg("text", { x: pad.left - 6, y: y(value) + 4, "text-anchor": "end" });
      label.textContent = Math.round(value) + " ms";
      root.append(label);
    }
    [0, Math.floor((days.length - 1) / 2), days.length - 1].forEach(function (i, n) {
      if (i < 0) return;
      const anchor = ["start", "middle", "end"][n];
      const label = svg("text", { x: x(i), y: height - 8, "text-anchor": anchor });
      label.textContent = days[i];
      root.append(label);
    });
    names.forEach(function (name, index) {
      const color = SERIES_COLORS[index % SERIES_COLORS.length];
      const series = history.services[name].avg_response_ms.slice(start);
      let path = "";
      let pen = "M";
      series.forEach(function (v, i) {
        if (v === null) {
          pen = "M"; // a day without data breaks the line
          return;
        }
        path += pen + x(i).toFixed(1) + " " + y(v).toFixed(1) + " ";
        pen = "L";
        const dot = svg("circle", { cx: x(i).toFixed(1), cy: y(v).toFixed(1), r: 2.5, fill: color });
        const tip = svg("title");
        tip.textContent = status.services[name].title + ", " + days[i] + ": " + Math.round(v) + " ms";
        dot.append(tip);
        root.append(dot);
      });
      if (path) {
        const line = svg("path", { class: "series", d: path.trim(), stroke: color });
        line.dataset.service = name;
        root.insertBefore(line, root.querySelector("circle"));
      }
      const key = el("span", "");
      const swatch = el("i", "cell-swatch");
      swatch.style.background = color;
      key.append(swatch, document.createTextNode(status.services[name].title));
      legend.append(key);
    });
    chart.append(root);
  }

  function renderIncidents(status) {
    const list = document.getElementById("incidents");
    list.replaceChildren();
    if (status.incidents.length === 0) {
      list.append(el("li", "muted", "No open incidents."));
      return;
    }
    for (const incident of status.incidents) {
      const item = el("li", "incident");
      item.append(el("span", "severity severity-" + incident.severity, incident.severity));
      item.append(el("strong", "", incident.title));
      item.append(el("span", "muted", " · since " + when(incident.since)));
      list.append(item);
    }
  }

  function renderProviders(status) {
    // Our providers' own status pages (Vercel, Supabase, Stripe, OpenAI, Resend), read by the
    // health check: shown beside our incidents, so a supplier's outage is told apart from ours.
    const list = document.getElementById("providers");
    list.replaceChildren();
    const providers = Object.values(status.providers || {});
    const open = providers.flatMap((p) => p.incidents.map((i) => [p, i]));
    const unreadable = providers.filter((p) => !p.readable);
    const maintenance = providers.flatMap((p) => (p.maintenance || []).map((m) => [p, m]));
    if (open.length === 0 && unreadable.length === 0) {
      // "No incident" only when every page was read: an unreadable page is not a quiet one.
      const text = providers.length ? "No provider reports an incident." : "Not checked yet.";
      list.append(el("li", "muted", text));
    }
    for (const [provider, incident] of open) {
      const item = el("li", "incident");
      item.append(el("span", "severity severity-warning", provider.title));
      const link = httpsLink(incident.url);
      const name = link ? el("a", "", incident.name) : el("strong", "", incident.name);
      if (link) {
        name.href = link;
        name.rel = "noopener noreferrer";
      }
      item.append(name);
      const since = incident.started_at ? " · since " + when(incident.started_at) : "";
      item.append(el("span", "muted", " · " + incident.status + since));
      list.append(item);
    }
    for (const provider of unreadable) {
      const item = el("li", "incident provider-unreadable");
      item.append(el("span", "severity severity-unknown", provider.title));
      item.append(el("strong", "", "Status page could not be read"));
      item.append(el("span", "muted", provider.error ? " · " + provider.error : ""));
      list.append(item);
    }
    // Announced maintenance is shown as such (upcoming or in progress), never as an incident.
    for (const [provider, m] of maintenance) {
      const item = el("li", "incident provider-maintenance");
      item.append(el("span", "severity severity-maintenance", provider.title));
      item.append(el("strong", "", m.name));
      const word = m.status === "upcoming" ? "upcoming maintenance" : "maintenance in progress";
      const span = m.scheduled_for ? " · " + when(m.scheduled_for) : "";
      item.append(el("span", "muted", " · " + word + span));
      list.append(item);
    }
  }

  function minutes(seconds) {
    const m = Math.round(seconds / 60);
    return m < 60 ? m + " min" : Math.floor(m / 60) + " h " + (m % 60) + " min";
  }

  function renderPastIncidents(status) {
    const list = document.getElementById("past-incidents");
    list.replaceChildren();
    const past = status.resolved_incidents || [];
    if (past.length === 0) {
      list.append(el("li", "muted", "No incidents in the last 90 days."));
      return;
    }
    for (const incident of past) {
      const item = el("li", "incident resolved");
      item.append(el("span", "severity severity-" + incident.severity, incident.severity));
      item.append(el("strong", "", incident.title));
      const span = " · " + when(incident.started_at) + ", resolved after " + minutes(incident.duration_s);
      item.append(el("span", "muted", span));
      list.append(item);
    }
  }

  let last = null;

  function render(status) {
    last = status;
    renderBanner(status);
    renderTiles(status);
    renderServices(status);
    renderChart(status);
    renderIncidents(status);
    renderProviders(status);
    renderPastIncidents(status);
    const checked = status.last_check_at ? " · last check " + when(status.last_check_at) : "";
    document.getElementById("updated").textContent =
      "Last updated " + when(status.updated_at) + checked;
    document.body.dataset.loaded = "true";
  }

  function showUnavailable(message) {
    const banner = document.getElementById("banner");
    if (document.body.dataset.loaded === "true") {
      document.getElementById("updated").textContent += " (refresh failed: " + message + ")";
      return;
    }
    banner.className = "banner banner-unknown";
    document.getElementById("banner-text").textContent = "Status unavailable";
    document.getElementById("banner-detail").textContent = message;
  }

  async function refresh() {
    try {
      const response = await fetch("/api/status", { headers: { Accept: "application/json" } });
      const body = await response.json();
      if (!response.ok && !body.status) throw new Error("HTTP " + response.status);
      render(body);
    } catch (error) {
      showUnavailable(error.message || String(error));
    }
  }

  let resizeTimer = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () {
      if (last) renderChart(last);
    }, 150);
  });

  refresh();
  setInterval(refresh, REFRESH_MS);
})();
