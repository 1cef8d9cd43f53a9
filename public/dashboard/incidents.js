/* The dashboard's status-communication panel: the public components, the drafts (auto-drafted
 * from critical alerts: publish), the published incidents (post an update, resolve), maintenance,
 * and a form each to open an incident and to schedule maintenance, through GET/POST
 * /api/incidents and PATCH /api/incidents/{id} (HEALTH_TOKEN; SPEC.md §13, docs/status.md).
 * Incidents and announced maintenance come from GET /api/incidents (drafts included); the
 * components and monitoring.toml's maintenance windows from /api/status's public fields. */
import { el, failureText, formatNumber, formatTime, zonedToUtc } from "/shared/core.js";

const INCIDENT_STATUSES = ["investigating", "identified", "monitoring", "resolved"];
const IMPACTS = ["none", "minor", "major", "critical"];
const LOCALE = "en-GB";

const listOf = (value) => (Array.isArray(value) ? value : []);
// GET /api/incidents `events` (StoredEvent, lib/status/model.py): incidents and maintenance.
const incidentsOf = (events) => events.filter((e) => e && e.kind === "incident" && typeof e.title === "object" && Array.isArray(e.updates));
const english = (text) => (text ? text.en || text.de || "" : "");

function field(label, input) {
  return el("label", { class: "field" }, el("span", { text: label }), input);
}

function select(name, options, chosen) {
  const node = el("select", { name });
  for (const [value, label] of options) {
    const option = el("option", { value, text: label });
    option.selected = value === chosen;
    node.append(option);
  }
  return node;
}

function bilingual(form, name, label, multiline) {
  const tag = multiline ? "textarea" : "input";
  const extra = multiline ? { rows: "3" } : { type: "text" };
  return el("div", { class: "pair" },
    field(`${label} (Deutsch)`, el(tag, { name: `${name}_de`, required: "", maxlength: "2000", lang: "de", ...extra })),
    field(`${label} (English)`, el(tag, { name: `${name}_en`, required: "", maxlength: "2000", lang: "en", ...extra })));
}

const pair = (form, name) => ({ de: form.elements[`${name}_de`].value.trim(), en: form.elements[`${name}_en`].value.trim() });

/* incidentPanel({client, container, zone, reload}): render(status) draws the panel from an
 * /api/status answer; after a change it calls reload() so the lists show the API's new state. */
export function incidentPanel({ client, container, zone, reload }) {
  const answer = el("p", { class: "answer", role: "status", hidden: "" });
  const when = (value) => formatTime(value, { zone: zone(), locale: LOCALE });

  function say(text, ok) {
    answer.className = `answer ${ok ? "ok" : "error"}`;
    answer.textContent = text;
    answer.hidden = false;
  }

  async function send(method, path, body, done) {
    const result = await client.request(method, path, body);
    if (result.ok) {
      await reload(); // the lists show the API's new state before the answer says it is done
      say(done, true);
    } else {
      say(failureText(result, "Incidents API"), false);
    }
    return result.ok;
  }

  function componentsTable(components) {
    if (!components.length) return el("p", { class: "muted", text: "No components in /api/status yet (configure [[components]] in monitoring.toml)." });
    const table = el("table", { class: "components" });
    table.append(el("tr", {}, el("th", { text: "Component" }), el("th", { text: "id" }), el("th", { text: "Status" }), el("th", { text: "Uptime 30 days" })));
    for (const c of components) {
      const uptime = c.uptime ? formatNumber(c.uptime["30d"], "%", LOCALE) : "–";
      table.append(el("tr", { "data-component": c.id },
        el("td", { text: `${c.name.en} / ${c.name.de}` }), el("td", {}, el("code", { text: c.id })),
        el("td", {}, el("span", { class: `badge word-${c.status}`, text: c.status.replace(/_/g, " ") })), el("td", { text: uptime })));
    }
    return table;
  }

  function updateForm(incident) {
    const form = el("form", { class: "incident-update", "data-incident": incident.id });
    const status = select("status", INCIDENT_STATUSES.map((s) => [s, s]), incident.status);
    form.append(field("Status", status), bilingual(form, "message", "Update", true));
    const post = el("button", { type: "submit", text: "Post update" });
    const resolve = el("button", { type: "button", class: "resolve", text: "Resolve" });
    form.append(el("div", { class: "actions" }, post, resolve));
    const path = `/api/incidents/${encodeURIComponent(incident.id)}`;
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      send("PATCH", path, { status: status.value, message: pair(form, "message") }, `Update posted to "${english(incident.title)}".`);
    });
    resolve.addEventListener("click", () => {
      if (!form.reportValidity()) return;
      send("PATCH", path, { status: "resolved", message: pair(form, "message") }, `"${english(incident.title)}" resolved.`);
    });
    return form;
  }

  function openIncidents(events) {
    const open = incidentsOf(events).filter((i) => i.published && i.status !== "resolved");
    if (!open.length) return el("p", { class: "ok", text: "No open incident on the status page." });
    const list = el("ul", { class: "incident-list" });
    for (const incident of open) {
      const latest = incident.updates[incident.updates.length - 1];
      list.append(el("li", { class: "incident-item", "data-incident": incident.id },
        el("strong", { text: english(incident.title) }),
        el("span", { class: "muted", text: ` · ${incident.status} · impact ${incident.impact} · since ${when(incident.created_at)}` }),
        latest ? el("div", { class: "message", text: `Latest: ${english(latest.message)}`, limit: 1000 }) : null,
        updateForm(incident)));
    }
    return list;
  }

  function newIncidentForm(components) {
    const form = el("form", { id: "incident-form", class: "incident-new" });
    form.append(bilingual(form, "title", "Title", false));
    form.append(el("div", { class: "pair" },
      field("Status", select("status", INCIDENT_STATUSES.slice(0, 3).map((s) => [s, s]), "investigating")),
      field("Impact", select("impact", IMPACTS.map((s) => [s, s]), "major"))));
    const affected = el("fieldset", { class: "affected" }, el("legend", { text: "Affected components" }));
    for (const c of components) {
      affected.append(field(c.name.en, select(`component_${c.id}`, [["", "not affected"], ...IMPACTS.slice(1).map((s) => [s, s])], "")));
    }
    form.append(affected, bilingual(form, "message", "First update", true), el("button", { type: "submit", text: "Publish incident" }));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const chosen = components.map((c) => ({ id: c.id, impact: form.elements[`component_${c.id}`].value })).filter((c) => c.impact);
      const body = {
        title: pair(form, "title"), status: form.elements.status.value, impact: form.elements.impact.value,
        components: chosen, message: pair(form, "message"),
      };
      if (await send("POST", "/api/incidents", body, `Incident "${body.title.en}" published.`)) form.reset();
    });
    return form;
  }

  function maintenanceForm(components) {
    const form = el("form", { id: "maintenance-form", class: "incident-new" });
    form.append(bilingual(form, "title", "Title", false));
    form.append(el("div", { class: "pair" },
      field(`Starts (${zone()})`, el("input", { type: "datetime-local", name: "starts_at", required: "" })),
      field(`Ends (${zone()})`, el("input", { type: "datetime-local", name: "ends_at", required: "" }))));
    const affected = el("fieldset", { class: "affected" }, el("legend", { text: "Affected components" }));
    for (const c of components) {
      affected.append(el("label", { class: "choice" }, el("input", { type: "checkbox", name: "components", value: c.id }), ` ${c.name.en}`));
    }
    form.append(affected, bilingual(form, "message", "Message", true), el("button", { type: "submit", text: "Schedule maintenance" }));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      // Typed in the product's zone, sent as UTC instants: the browser's own zone plays no part.
      const starts = zonedToUtc(form.elements.starts_at.value, zone());
      const ends = zonedToUtc(form.elements.ends_at.value, zone());
      if (!starts || !ends || ends <= starts) return say("The maintenance must end after it starts.", false);
      const body = {
        kind: "maintenance", title: pair(form, "title"), message: pair(form, "message"), starts_at: starts, ends_at: ends,
        components: [...form.querySelectorAll("input[name=components]:checked")].map((i) => i.value),
      };
      if (await send("POST", "/api/incidents", body, `Maintenance "${body.title.en}" scheduled.`)) form.reset();
    });
    return form;
  }

  // PATCH {"published": true}: IncidentPatch and MaintenancePatch both take it (lib/status/requests.py).
  function publishButton(event) {
    const button = el("button", { type: "button", class: "publish", text: "Publish" });
    button.addEventListener("click", () => {
      button.disabled = true;
      send("PATCH", `/api/incidents/${encodeURIComponent(event.id)}`, { published: true }, `"${english(event.title)}" published.`)
        .finally(() => { button.disabled = false; });
    });
    return button;
  }

  // An unpublished incident (an alert's draft, or one saved with "published": false): shown to
  // operators only, until "Publish" sends PATCH {"published": true} (IncidentPatch).
  function draftList(events) {
    const drafts = incidentsOf(events).filter((i) => !i.published && i.status !== "resolved");
    if (!drafts.length) return el("p", { class: "muted", text: "No drafts waiting." });
    const list = el("ul", { class: "incident-list drafts" });
    for (const draft of drafts) {
      const first = draft.updates[0];
      const from = draft.source && draft.source !== "api" ? `drafted from the alert ${draft.source}` : "saved unpublished";
      const publish = publishButton(draft);
      list.append(el("li", { class: "incident-item draft", "data-incident": draft.id },
        el("span", { class: "badge draft", text: "draft" }), " ", el("strong", { text: english(draft.title) }),
        el("span", { class: "muted", text: ` · ${draft.status} · impact ${draft.impact} · ${from} · ${when(draft.created_at)}` }),
        first ? el("div", { class: "message", text: english(first.message), limit: 1000 }) : null,
        el("div", { class: "actions" }, publish)));
    }
    return list;
  }

  // Announced maintenance (/api/incidents, kind maintenance) and monitoring.toml's windows (only
  // in /api/status); a cancelled or finished window is left out.
  function maintenanceList(events, status) {
    const now = Date.now();
    const announced = events.filter((e) => e && e.kind === "maintenance" && e.status !== "cancelled" && Date.parse(e.ends_at) > now)
      .map((m) => ({ ...m, components: listOf(m.components).map((c) => c.id), state: Date.parse(m.starts_at) > now ? "scheduled" : "in progress", draft: !m.published }));
    const known = new Set(events.map((e) => e && e.id));
    const configured = listOf(status.maintenance).filter((m) => m.state !== "completed" && !known.has(m.id));
    const coming = [...announced, ...configured];
    if (!coming.length) return el("p", { class: "muted", text: "No maintenance scheduled." });
    const list = el("ul", { class: "maintenance-list" });
    for (const m of coming) {
      const parts = listOf(m.components).length ? listOf(m.components).join(", ") : "every component";
      list.append(el("li", { "data-maintenance": m.id }, m.draft ? el("span", { class: "badge draft", text: "draft" }) : null, m.draft ? " " : null,
        el("strong", { text: english(m.title) }),
        el("span", { class: "muted", text: ` · ${m.state.replace("_", " ")} · ${when(m.starts_at)} – ${when(m.ends_at)} · ${parts}` }),
        m.draft ? el("div", { class: "actions" }, publishButton(m)) : null));
    }
    return list;
  }

  return {
    /* render(status, incidents): `status` the /api/status answer, `incidents` GET /api/incidents'
     * result ({ok, body: {events}} or a failure, whose sentence replaces the lists). */
    render(status, incidents) {
      const components = listOf(status.components);
      const events = incidents.ok && incidents.body ? listOf(incidents.body.events) : null;
      const lists = events
        ? [el("h3", { text: "Drafts" }), draftList(events), el("h3", { text: "Open incidents" }), openIncidents(events),
          el("h3", { text: "Maintenance" }), maintenanceList(events, status)]
        : [el("p", { class: "unavailable", text: failureText(incidents, "Incidents API") })];
      container.replaceChildren(
        el("h3", { text: "Components" }), componentsTable(components), ...lists,
        el("details", { class: "compose" }, el("summary", { text: "Open an incident" }), newIncidentForm(components)),
        el("details", { class: "compose" }, el("summary", { text: "Schedule maintenance" }), maintenanceForm(components)),
        answer);
    },
    unavailable(result) {
      container.replaceChildren(el("p", { class: "unavailable", text: failureText(result, "Status communication") }));
    },
  };
}
