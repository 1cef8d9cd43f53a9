/* The dashboard's visitors panel: GET /api/analytics?window=24h|7d|30d (HEALTH_TOKEN;
 * docs/endpoints.md, docs/visitors.md): page views, visitors, sessions, custom events, the top
 * pages, referrers, devices, browsers, systems, countries and events, and the capacity forecast
 * ("Database size: full in N days"). Every value is outside text: el() text only. */
import { el, failureText, formatDay } from "/shared/core.js";

// The dimensions of `top`, in the order shown; route and UTM lists only when they have values.
const DIMENSIONS = [
  ["page", "Top pages"], ["referrer", "Referrers"], ["device", "Devices"], ["browser", "Browsers"],
  ["os", "Operating systems"], ["country", "Countries"], ["event", "Custom events"],
  ["route", "Routes"], ["utm_source", "UTM sources"], ["utm_campaign", "UTM campaigns"],
];
const ALWAYS = new Set(["page", "referrer", "device", "browser", "country", "event"]);
const LOCALE = "en-GB";

const listOf = (value) => (Array.isArray(value) ? value : []);

/* visitorsPanel({api, container, fmt}): load(window) fetches and draws one window. */
export function visitorsPanel({ api, container, fmt }) {
  function figure(label, value, note) {
    return el("div", { class: "figure", "data-figure": label },
      el("span", { class: "value", text: fmt(value, "count") }), el("span", { class: "label", text: label }),
      note ? el("span", { class: "muted note", text: note }) : null);
  }

  function ranking(dimension, title, rows) {
    const box = el("div", { class: "ranking", "data-dimension": dimension }, el("h3", { text: title }));
    if (!rows.length) {
      box.append(el("p", { class: "muted", text: "None in this window." }));
      return box;
    }
    const table = el("table", { class: "ranked" });
    table.append(el("tr", {}, el("th", { text: "Value" }), el("th", { text: "Count" }), el("th", { text: "Share" })));
    for (const row of rows) {
      table.append(el("tr", {}, el("td", { text: row.key, limit: 100 }), el("td", { text: fmt(row.count, "count") }),
        el("td", { text: fmt(row.share_pct, "%") })));
    }
    box.append(table);
    return box;
  }

  // One forecast (lib/metrics/forecast.py CapacityForecast): what is used of the limit and when
  // the fitted line reaches it.
  function forecast(c) {
    const item = el("li", { class: `capacity ${c.state}`, "data-capacity": c.metric });
    item.append(el("span", { class: `badge ${c.state === "warning" ? "warning" : c.state === "ok" ? "met" : "none"}`, text: c.state.replace("_", " ") }), " ",
      el("strong", { text: c.label }));
    let text;
    if (c.state === "unknown") text = "not enough days of values for a forecast yet";
    else if (c.state === "not_configured") text = `${fmt(c.current, c.unit)} used; no limit configured`;
    else {
      const used = `${fmt(c.current, c.unit)} of ${fmt(c.limit, c.unit)} (${fmt(c.used_pct, "%")})`;
      const full = c.days_left == null ? "not growing toward the limit"
        : `full in ${fmt(Math.floor(c.days_left), "count")} days${c.reaches_on ? ` (${formatDay(c.reaches_on, LOCALE)})` : ""}`;
      text = `${used}; ${full}`;
    }
    item.append(el("span", { text: ` ${text}` }), c.note ? el("span", { class: "muted", text: ` · ${c.note}` }) : null);
    return item;
  }

  function draw(body) {
    const parts = [];
    if (!body.receiving) {
      parts.push(el("p", { class: "muted no-drain", text: "No Web Analytics drain data received yet (docs/visitors.md sets up the drain); no visitor figures to show." }));
    } else {
      parts.push(el("div", { class: "figures" },
        figure("Page views", body.page_views),
        figure("Unique visitors", body.visitor_days, body.window === "24h" ? null : "visitor-days: a visitor of two days counts twice"),
        figure("Sessions", body.sessions),
        figure("Custom events", body.custom_events)));
      const rankings = el("div", { class: "rankings" });
      for (const [dimension, title] of DIMENSIONS) {
        const rows = listOf(body.top && body.top[dimension]);
        if (rows.length || ALWAYS.has(dimension)) rankings.append(ranking(dimension, title, rows));
      }
      parts.push(rankings);
    }
    const capacity = listOf(body.capacity);
    parts.push(el("h3", { text: "Capacity forecast" }));
    if (!capacity.length) parts.push(el("p", { class: "muted", text: "No capacity forecast in this deployment." }));
    else {
      const list = el("ul", { class: "capacity-list" });
      for (const c of capacity) list.append(forecast(c));
      parts.push(list);
    }
    container.replaceChildren(...parts);
    container.dataset.window = body.window;
  }

  return {
    async load(window) {
      const result = await api(`/api/analytics?window=${encodeURIComponent(window)}`);
      if (!result.ok || !result.body) {
        container.replaceChildren(el("p", { class: "unavailable", text: failureText(result, "Visitors (Web Analytics drain)") }));
        return;
      }
      draw(result.body);
    },
  };
}
