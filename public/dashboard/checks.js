/* The dashboard's synthetic checks and heartbeats panel: GET /api/health/checks (HEALTH_TOKEN;
 * docs/checks.md, lib/endpoints/synthetic.py SyntheticBody): each [[checks]] entry's state,
 * reason, latency and uptime, each [[heartbeats]] job's state and last ping, and CarBot's own
 * uptime shown apart from its suppliers'. Reasons and failure bodies are text, never markup. */
import { el, failureText } from "/shared/core.js";

const CHECK_BADGE = { up: "pass", down: "fail", unknown: "none" };
const BEAT_BADGE = { up: "pass", late: "warn", down: "fail", new: "none" };

/* checksPanel({api, container, fmt, when}): load() fetches and draws. */
export function checksPanel({ api, container, fmt, when }) {
  function uptime(label, pct, source, kind) {
    return el("div", { class: "figure", "data-uptime": kind },
      el("span", { class: "value", text: pct == null ? "no data" : fmt(pct, "%") }),
      el("span", { class: "label", text: label }), el("span", { class: "muted note", text: source }));
  }

  function checksTable(checks) {
    const names = Object.keys(checks);
    if (!names.length) return el("p", { class: "muted", text: "No [[checks]] configured in monitoring.toml (docs/checks.md)." });
    const table = el("table", { class: "checks" });
    table.append(el("tr", {}, ...["Check", "State", "Reason", "Latency", "Checked", "Uptime 24 h", "Uptime 30 days"].map((t) => el("th", { text: t }))));
    for (const name of names) {
      const c = checks[name];
      table.append(el("tr", { "data-check": name, class: `check-${c.status}` },
        el("td", {}, el("strong", { text: name }), el("span", { class: "muted", text: ` ${c.kind}${c.critical ? " · critical" : ""}` })),
        el("td", {}, el("span", { class: `badge ${CHECK_BADGE[c.status] || "none"}`, text: c.status })),
        el("td", { class: "reason", text: c.reason || (c.status === "unknown" ? "not run yet" : "–") }),
        el("td", { text: fmt(c.latency_ms, "ms") }), el("td", { text: when(c.checked_at) }),
        el("td", { text: fmt(c.uptime_24h_pct, "%") }), el("td", { text: fmt(c.uptime_30d_pct, "%") })));
    }
    return table;
  }

  function heartbeatList(beats) {
    const names = Object.keys(beats);
    if (!names.length) return el("p", { class: "muted", text: "No [[heartbeats]] configured in monitoring.toml (docs/checks.md)." });
    const list = el("ul", { class: "heartbeats" });
    for (const name of names) {
      const b = beats[name];
      const facts = [`last ping ${when(b.last_ping_at)}`];
      if (b.expected_at) facts.push(`expected by ${when(b.expected_at)}`);
      if (b.last_exit_code != null) facts.push(`exit ${b.last_exit_code}`);
      if (b.last_duration_ms != null) facts.push(`took ${fmt(b.last_duration_ms / 1000, "s")}`);
      if (b.running_since) facts.push(`running since ${when(b.running_since)}`);
      list.append(el("li", { class: `heartbeat ${b.state}`, "data-heartbeat": name },
        el("span", { class: `badge ${BEAT_BADGE[b.state] || "none"}`, text: b.state }), " ", el("strong", { text: name }),
        el("span", { class: "muted", text: ` · ${facts.join(" · ")}` }),
        el("div", { class: "message", text: b.message, limit: 1000 }),
        b.fail_body ? el("details", {}, el("summary", { text: "Last failure output" }), el("pre", { class: "fail-body", text: b.fail_body, limit: 10240 })) : null));
    }
    return list;
  }

  return {
    async load() {
      const result = await api("/api/health/checks");
      if (!result.ok || !result.body) {
        container.replaceChildren(el("p", { class: "unavailable", text: failureText(result, "Synthetic checks") }));
        return;
      }
      const { checks = {}, heartbeats = {}, uptime: split = {} } = result.body;
      container.replaceChildren(
        el("div", { class: "figures" },
          uptime("CarBot's own uptime, 30 days", split.carbot_pct_30d, split.carbot_source || "", "carbot"),
          uptime("Suppliers' uptime, 30 days", split.suppliers_pct_30d, split.suppliers_source || "", "suppliers")),
        el("h3", { text: "Checks" }), checksTable(checks),
        el("h3", { text: "Heartbeats" }), heartbeatList(heartbeats));
    },
  };
}
