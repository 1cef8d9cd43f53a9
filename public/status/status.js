/* CarBot status page: reads the public, cached /api/status every 60 s and draws components,
 * published incidents, announced maintenance and providers' pages itself (no framework). It reads
 * only the public fields of docs/endpoints.md ("The status page"): never the alert-derived ones,
 * which are internal. Every text of the API is outside text: el() makes it textContent. */
import { DEFAULT_ZONE, apiClient, el, formatDay, formatNumber, formatTime, httpsLink, sameOriginPath, zoneLabel } from "/shared/core.js";
import { LOCALES, WORDS, chooseLanguage, localized, rememberLanguage } from "/status/words.js";

const REFRESH_MS = 60000;
const COMPONENT_WORDS = ["operational", "degraded_performance", "partial_outage", "major_outage", "under_maintenance"];
const $ = (id) => document.getElementById(id);
const client = apiClient();
const page = { language: chooseLanguage(), status: null };

const words = () => WORDS[page.language];
const locale = () => LOCALES[page.language];
const zone = () => (page.status && page.status.timezone) || DEFAULT_ZONE;
const text = (value) => localized(value, page.language);
const when = (value) => formatTime(value, { zone: zone(), locale: locale() });
const pct = (value) => formatNumber(value, "%", locale());

const listOf = (value) => (Array.isArray(value) ? value : []);
// Published incidents only, in the shape people write them (a title per language, updates): an
// alert-derived record of an older /api/status is internal and never shown here.
const published = (status) => listOf(status.incidents).filter((i) => i && typeof i.title === "object" && Array.isArray(i.updates));

// -- the page's own words -----------------------------------------------------------------------

function applyLanguage() {
  document.documentElement.lang = page.language;
  for (const node of document.querySelectorAll("[data-word]")) {
    const word = words()[node.dataset.word];
    if (typeof word === "string") node.textContent = word;
  }
  for (const button of document.querySelectorAll("button[data-language]")) {
    button.setAttribute("aria-pressed", String(button.dataset.language === page.language));
  }
  const legend = $("legend");
  legend.replaceChildren();
  for (const [kind, label] of Object.entries(words().legend)) {
    legend.append(el("span", {}, el("i", { class: `cell-swatch day-${kind === "incident" ? "operational has-incident" : kind}` }), label));
  }
  legend.append(el("span", { text: words().dayHint }));
}

// -- banner -------------------------------------------------------------------------------------

function componentNames(ids) {
  const byId = new Map(listOf(page.status.components).map((c) => [c.id, text(c.name)]));
  return ids.map((id) => byId.get(id) || id);
}

function renderBanner(status) {
  const banner = status.banner;
  const known = banner && COMPONENT_WORDS.includes(banner.status);
  $("banner").className = `banner banner-${known ? banner.status : "unknown"}`;
  $("banner-text").textContent = known ? text(banner.message) : words().unknownBanner;
  const affected = known && banner.components && banner.components.length ? componentNames(banner.components) : [];
  $("banner-detail").textContent = affected.length ? `${words().affected}: ${affected.join(", ")}` : "";
}

// -- maintenance and incidents ------------------------------------------------------------------

function renderMaintenance(status) {
  const list = $("maintenance");
  const shown = listOf(status.maintenance).filter((m) => m.state !== "completed");
  list.replaceChildren();
  $("maintenance-section").hidden = shown.length === 0;
  for (const m of shown) {
    const item = el("li", { class: `card maintenance state-${m.state}`, "data-maintenance": m.id });
    item.append(el("p", { class: "card-head" },
      el("span", { class: `pill pill-maintenance-${m.state}`, text: words().maintenanceState[m.state] || m.state }),
      el("strong", { text: text(m.title) })));
    item.append(el("p", { class: "muted window", text: `${words().window}: ${when(m.starts_at)} – ${when(m.ends_at)}` }));
    if (m.components && m.components.length) item.append(el("p", { class: "muted", text: `${words().affected}: ${componentNames(m.components).join(", ")}` }));
    if (m.message) item.append(el("p", { class: "message", text: text(m.message), limit: 2000 }));
    list.append(item);
  }
}

function renderIncidents(status) {
  const list = $("incidents");
  list.replaceChildren();
  const incidents = published(status).sort((a, b) => (a.status === "resolved") - (b.status === "resolved"));
  if (!incidents.length) return list.append(el("li", { class: "card muted", text: words().noIncidents }));
  for (const incident of incidents) {
    const item = el("li", { class: `card incident-card impact-${incident.impact} status-${incident.status}`, "data-incident": incident.id });
    item.append(el("p", { class: "card-head" },
      el("span", { class: `pill pill-${incident.status}`, text: words().incident[incident.status] || incident.status }),
      el("strong", { text: text(incident.title) })));
    const affected = componentNames((incident.components || []).map((c) => c.id));
    const facts = [`${words().impactLabel}: ${words().impact[incident.impact] || incident.impact}`];
    if (affected.length) facts.push(`${words().affected}: ${affected.join(", ")}`);
    if (incident.resolved_at) facts.push(`${words().resolvedAt} ${when(incident.resolved_at)}`);
    item.append(el("p", { class: "muted", text: facts.join(" · ") }));
    const updates = el("ol", { class: "updates", "aria-label": words().updatesLabel });
    for (const update of [...(incident.updates || [])].reverse()) { // newest first
      updates.append(el("li", { class: "update" },
        el("strong", { text: words().incident[update.status] || update.status }),
        el("span", { class: "muted", text: ` · ${when(update.at)}` }),
        el("p", { class: "message", text: text(update.message), limit: 2000 })));
    }
    item.append(updates);
    list.append(item);
  }
}

// -- components with 90 days of history ---------------------------------------------------------

function dayClass(day) {
  const word = COMPONENT_WORDS.includes(day.status) ? day.status : "none";
  const none = day.uptime_pct == null && word === "operational";
  return `bar day-${none ? "none" : word}${day.incidents && day.incidents.length ? " has-incident" : ""}`;
}

function dayText(component, day) {
  const titles = new Map(published(page.status).map((i) => [i.id, text(i.title)]));
  const parts = [formatDay(day.day, locale()), day.uptime_pct == null ? words().noData : words().dayUptime(pct(day.uptime_pct))];
  if (day.status !== "operational" && words().component[day.status]) parts.push(words().component[day.status]);
  for (const id of day.incidents || []) parts.push(titles.has(id) ? `${words().incidentOnDay}: ${titles.get(id)}` : words().incidentOnDay);
  return `${text(component.name)}, ${parts.join(" · ")}`;
}

function renderComponents(status) {
  const container = $("components");
  container.replaceChildren();
  const components = listOf(status.components);
  if (!components.length) return container.append(el("p", { class: "component muted", text: words().noComponents }));
  for (const component of components) {
    const word = COMPONENT_WORDS.includes(component.status) ? component.status : "unknown";
    const row = el("div", { class: "component", "data-component": component.id });
    row.append(el("div", { class: "service-head" },
      el("span", { class: "service-name", text: text(component.name) }),
      el("span", { class: `service-word word-${word}`, text: words().component[word] })));
    const history = component.history || [];
    const bars = el("div", { class: "bars", role: "group", "aria-label": `${text(component.name)}: ${words().componentsNote}` });
    const detail = el("p", { class: "day-detail muted", "aria-live": "polite" });
    history.forEach((day, i) => {
      const described = dayText(component, day);
      // A button so a phone can tap it (no hover there): the day's figure and incidents below.
      // One tab stop per row (today); the arrow keys move between the days.
      const last = i === history.length - 1;
      const bar = el("button", { type: "button", class: dayClass(day), title: described, "aria-label": described, "data-day": day.day, tabindex: last ? "0" : "-1" });
      bar.addEventListener("click", () => { detail.textContent = described; });
      bar.addEventListener("focus", () => { detail.textContent = described; });
      bars.append(bar);
    });
    bars.addEventListener("keydown", (event) => {
      const step = { ArrowLeft: -1, ArrowRight: 1, Home: -Infinity, End: Infinity }[event.key];
      if (!step || !bars.children.length) return;
      event.preventDefault();
      const cells = [...bars.children];
      const at = Math.max(0, Math.min(cells.length - 1, cells.indexOf(document.activeElement) + (Number.isFinite(step) ? step : step * cells.length)));
      cells.forEach((cell, i) => cell.setAttribute("tabindex", i === at ? "0" : "-1"));
      cells[at].focus();
    });
    row.append(bars, el("div", { class: "service-foot" },
      el("span", { text: words().daysAgo(history.length) }),
      el("span", { text: words().uptime30(pct(component.uptime ? component.uptime["30d"] : null)) }),
      el("span", { text: words().today })), detail);
    container.append(row);
  }
}

// -- providers' own status pages ----------------------------------------------------------------

function renderProviders(status) {
  const list = $("providers");
  list.replaceChildren();
  const providers = Object.values(status.providers || {});
  const unreadable = providers.filter((p) => p.readable === false || p.status === "unknown");
  const open = providers.filter((p) => !unreadable.includes(p)).flatMap((p) => (p.incidents || []).map((i) => [p, i]));
  const maintenance = providers.flatMap((p) => (p.maintenance || []).map((m) => [p, m]));
  // "No incident" only when every page was read: an unreadable page is not a quiet one.
  if (!open.length && !unreadable.length) list.append(el("li", { class: "muted", text: providers.length ? words().noProviderIncident : words().notChecked }));
  for (const [provider, incident] of open) {
    const link = httpsLink(incident.url);
    const name = link ? el("a", { href: link, rel: "noopener noreferrer", text: incident.name }) : el("strong", { text: incident.name });
    const since = incident.started_at ? ` · ${words().since} ${when(incident.started_at)}` : "";
    list.append(el("li", { class: "incident" }, el("span", { class: "severity severity-warning", text: provider.title }), name,
      el("span", { class: "muted", text: ` · ${incident.status}${since}` })));
  }
  for (const provider of unreadable) {
    list.append(el("li", { class: "incident provider-unreadable" }, el("span", { class: "severity severity-unknown", text: provider.title }),
      el("strong", { text: words().unreadable }), el("span", { class: "muted", text: provider.error ? ` · ${provider.error}` : "" })));
  }
  // Announced maintenance is shown as such (upcoming or in progress), never as an incident.
  for (const [provider, m] of maintenance) {
    const word = m.status === "upcoming" ? words().upcomingMaintenance : words().maintenanceInProgress;
    const span = m.scheduled_for ? ` · ${when(m.scheduled_for)}` : "";
    list.append(el("li", { class: "incident provider-maintenance" }, el("span", { class: "severity severity-maintenance", text: provider.title }),
      el("strong", { text: m.name }), el("span", { class: "muted", text: ` · ${word}${span}` })));
  }
}

// -- subscribing --------------------------------------------------------------------------------

function renderSubscribeChoices(status) {
  const fieldset = $("subscribe-components");
  const checked = new Set([...fieldset.querySelectorAll("input:checked")].map((i) => i.value));
  fieldset.replaceChildren();
  for (const component of listOf(status.components)) {
    const box = el("input", { type: "checkbox", name: "components", value: component.id, id: `subscribe-${component.id}` });
    box.checked = checked.has(component.id);
    fieldset.append(el("label", { class: "choice", for: `subscribe-${component.id}` }, box, ` ${text(component.name)}`));
  }
}

function answer(message, kind) {
  const node = $("subscribe-answer");
  node.className = `answer answer-${kind}`;
  node.textContent = message;
  node.hidden = false;
}

async function subscribe(event) {
  event.preventDefault();
  const email = $("subscribe-email").value.trim();
  if (!email || !$("subscribe-email").checkValidity()) return answer(words().subscribeInvalid, "error");
  const chosen = [...$("subscribe-components").querySelectorAll("input:checked")].map((i) => i.value);
  const target = (page.status && sameOriginPath(page.status.subscribe)) || "/api/subscriptions";
  $("subscribe-button").disabled = true;
  answer(words().sending, "pending");
  const result = await client.post(target, { email, components: chosen.length ? chosen : null, language: page.language });
  $("subscribe-button").disabled = false;
  if (result.status === 202 || result.status === 200) answer(words().subscribeSent, "ok");
  else if (result.status === 400) answer(words().subscribeInvalid, "error");
  else if (result.status === 429) answer(words().subscribeLimited, "error");
  else answer(`${words().subscribeFailed}: ${result.error || `HTTP ${result.status}`}`, "error");
}

// -- loading ------------------------------------------------------------------------------------

function render() {
  const status = page.status;
  applyLanguage();
  if (!status) return;
  renderBanner(status);
  renderMaintenance(status);
  renderIncidents(status);
  renderComponents(status);
  renderProviders(status);
  renderSubscribeChoices(status);
  const link = sameOriginPath(status.feed); // our own path only, never a URL from elsewhere
  if (link) $("feed-link").href = link;
  $("updated").textContent = `${words().updated}: ${when(status.generated_at)} ·`;
  $("zone-note").textContent = `${words().timesIn} ${zoneLabel({ zone: zone(), locale: locale() })}`;
  document.body.dataset.loaded = "true";
}

async function refresh() {
  const result = await client.get("/api/status");
  if (result.ok && result.body && typeof result.body === "object") {
    page.status = result.body;
    return render();
  }
  const reason = result.error || `HTTP ${result.status}`;
  if (page.status) {
    $("updated").textContent = `${words().updated}: ${when(page.status.generated_at)} (${words().refreshFailed}: ${reason}) ·`;
    return;
  }
  $("banner").className = "banner banner-unknown";
  $("banner-text").textContent = words().unavailable;
  $("banner-detail").textContent = reason;
}

for (const button of document.querySelectorAll("button[data-language]")) {
  button.addEventListener("click", () => {
    page.language = button.dataset.language;
    rememberLanguage(page.language);
    render();
  });
}
$("subscribe-form").addEventListener("submit", subscribe);
applyLanguage();
refresh();
setInterval(refresh, REFRESH_MS);
