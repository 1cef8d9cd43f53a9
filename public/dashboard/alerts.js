/* The dashboard's alert panel: who is on call this week and the 30-day timeline from GET
 * /api/alerts (HEALTH_TOKEN; lib/endpoints/alerts.py EpisodesBody, docs/alerts.md "Acknowledge"),
 * each episode with its escalation level and acknowledgement, and for a firing one a form that
 * acknowledges (or un-acknowledges) it through POST /api/alerts/{key}/ack|unack `{by, note}`.
 * Names, notes and messages are outside text: shown through el(), never as markup. */
import { Unauthorized, el, failureText } from "/shared/core.js";

const DAY_MS = 86400 * 1000;
const DAYS = 30;

// 75 s reads "1 min", 5400 s "1 h 30 min": a response time, not a stopwatch.
export function duration(seconds) {
  const minutes = Math.max(0, Math.round(seconds / 60));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
}

/* alertsPanel({client, container, when}): load() fetches /api/alerts and draws the panel; after an
 * acknowledgement it loads again so the panel shows the API's new state. */
export function alertsPanel({ client, container, when }) {
  const answer = el("p", { class: "answer", role: "status", hidden: "" });

  function say(text, ok) {
    answer.className = `answer ${ok ? "ok" : "error"}`;
    answer.textContent = text; // our sentence around the API's own (textContent: text only)
    answer.hidden = false;
  }

  // GET /api/alerts `on_call` (OnCallNow, lib/alerts/escalation.py): one entry per level.
  function onCallList(levels) {
    if (!levels.length) return el("p", { class: "muted", text: "No [escalation] policy in monitoring.toml: every configured channel receives every alert (docs/alerts.md)." });
    const list = el("ul", { class: "on-call" });
    for (const o of levels) {
      const reach = o.channels.length ? `via ${o.channels.join(", ")}` : "via every configured channel";
      list.append(el("li", { "data-level": String(o.level) },
        el("span", { class: "badge level", text: `level ${o.level}` }), " ",
        el("strong", { text: o.name }), " ",
        o.person ? el("span", { class: "person", text: o.person }) : el("span", { class: "muted", text: "(no rotation)" }),
        el("span", { class: "muted", text: ` · ${reach}` }),
        o.contacts.length ? el("span", { class: "muted contacts", text: ` · ${o.contacts.join(", ")}` }) : null));
    }
    return list;
  }

  // The episode's response: level reached, the acknowledgement in force, time to acknowledge.
  function responseLine(e) {
    const line = el("div", { class: "response" }, el("span", { class: "badge level", text: `level ${e.level}` }));
    if (e.acknowledged_at) {
      line.append(" acknowledged by ", el("strong", { class: "acknowledged-by", text: e.acknowledged_by || "someone" }),
        ` at ${when(e.acknowledged_at)}`);
    } else if (e.open) {
      line.append(el("span", { class: "unacknowledged", text: " not acknowledged" }));
    }
    if (!e.open) {
      const took = e.time_to_acknowledge_s == null ? "never acknowledged" : `acknowledged after ${duration(e.time_to_acknowledge_s)}`;
      line.append(el("span", { class: "muted time-to-ack", text: ` · ${took}` }));
    }
    return line;
  }

  // For a firing episode: name (required) and an optional note, then Acknowledge or Un-acknowledge.
  function ackForm(e) {
    const acknowledged = Boolean(e.acknowledged_at);
    const action = acknowledged ? "unack" : "ack";
    const form = el("form", { class: "ack-form", "data-key": e.rule, "data-action": action });
    const by = el("input", { name: "by", type: "text", required: "", maxlength: "80", autocomplete: "name" });
    const note = el("input", { name: "note", type: "text", maxlength: "500" });
    const button = el("button", { type: "submit", class: action, text: acknowledged ? "Un-acknowledge" : "Acknowledge" });
    form.append(el("label", { class: "field" }, el("span", { text: "Your name" }), by),
      el("label", { class: "field" }, el("span", { text: "Note (optional)" }), note), button);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const body = { by: by.value.trim() };
      if (!body.by) return by.reportValidity();
      if (note.value.trim()) body.note = note.value.trim(); // the API refuses an empty note
      button.disabled = true;
      try {
        await send(e.rule, action, body);
      } finally {
        button.disabled = false;
      }
    });
    return form;
  }

  async function send(key, action, body) {
    let result;
    try {
      result = await client.post(`/api/alerts/${encodeURIComponent(key)}/${action}`, body);
    } catch (error) {
      if (error instanceof Unauthorized) return; // the dashboard signed out and says why
      throw error;
    }
    const verb = action === "ack" ? "Acknowledged" : "Un-acknowledged";
    if (result.ok) {
      await load(); // the panel shows the API's new state before the answer says it is done
      return say(`${verb} ${key}${result.body && result.body.changed === false ? " (it already was)" : ""}.`, true);
    }
    // A 4xx carries the API's sentence (404 no such alert, 409 not firing, 400 bad body).
    if (result.status >= 400 && result.status < 500 && result.error) return say(`Not ${verb.toLowerCase()}: ${result.error}.`, false);
    say(failureText(result, "Acknowledge"), false);
  }

  function timeline(episodes) {
    if (!episodes.length) return el("p", { class: "ok", text: `No alerts in the last ${DAYS} days.` });
    const end = Date.now();
    const begin = end - DAYS * DAY_MS;
    const list = el("ol", { class: "timeline" });
    for (const e of episodes) {
      const from = Date.parse(e.started_at);
      const to = e.ended_at ? Date.parse(e.ended_at) : end;
      const left = Math.max(0, (from - begin) / (end - begin)) * 100;
      const width = Math.max(0.6, ((to - Math.max(from, begin)) / (end - begin)) * 100);
      const bar = el("span", { class: `bar ${e.severity}` });
      // CSSOM, not a style attribute: the page's CSP allows no inline styles.
      bar.style.left = `${left.toFixed(2)}%`;
      bar.style.width = `${Math.min(width, 100 - left).toFixed(2)}%`;
      const span = `${when(e.started_at)} · ${e.open ? "still firing" : `lasted ${Math.round((e.duration_s || 0) / 60)} min`}`;
      list.append(el("li", { class: `episode ${e.severity}`, "data-key": e.rule },
        el("span", { class: `badge ${e.severity}`, text: e.severity }), " ",
        el("strong", { text: e.rule }), el("span", { class: "muted", text: ` ${span}` }),
        e.message ? el("div", { class: "message", text: e.message, limit: 1000 }) : null,
        responseLine(e),
        el("div", { class: "track", "aria-hidden": "true" }, bar),
        e.open ? ackForm(e) : null));
    }
    return list;
  }

  async function load() {
    const result = await client.get(`/api/alerts?days=${DAYS}`);
    if (!result.ok || !result.body) {
      container.replaceChildren(el("p", { class: "unavailable", text: failureText(result, "Alert history") }), answer);
      return;
    }
    const { episodes, on_call: onCall = [] } = result.body;
    container.replaceChildren(el("h3", { text: "On call now" }), onCallList(onCall),
      el("h3", { text: "Episodes" }), answer, timeline(episodes));
  }

  return { load };
}
