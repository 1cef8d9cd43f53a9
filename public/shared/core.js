/* The front-end core the status page and the dashboard share (a plain ES module, no build step):
 * elements from text only, the one https-link rule, number and time formatting in the product's
 * time zone, and the API client. Outside text reaches the page only through `el()`/`plain()`. */

// -- outside text -------------------------------------------------------------------------------

// Cleaned as lib/core/safe_text.py does: control and bidi characters (a route `/admin\u202egnp.exe`)
// show as U+FFFD, terminal escapes are dropped, line breaks become spaces, length bounded.
export const TEXT_LIMIT = 500; // safe_text.LIMIT: one shown value; a message may pass its own
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ufff9-\ufffb]/g;
const ANSI = /\u001b\[[0-?]*[ -\/]*[@-~]/g;

export function plain(text, limit = TEXT_LIMIT) {
  const shown = String(text).replace(ANSI, "").replace(/[\t\r\n]+/g, " ").replace(UNSAFE, "\ufffd");
  return shown.length > limit ? `${shown.slice(0, limit - 1)}\u2026` : shown;
}

// The one rule for links (lib/core/safe_text.py https_link): an absolute https:// URL with a
// host, no user part and nothing hidden; anything else is shown as text, never followed.
export function httpsLink(value) {
  if (typeof value !== "string" || value.length > 2048 || !value.startsWith("https://")) return null;
  if (/[\s"'<>`\\\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2066-\u2069]/.test(value)) return null;
  try {
    const url = new URL(value);
    return url.protocol === "https:" && url.hostname && !url.username && !url.password ? value : null;
  } catch {
    return null;
  }
}

// Our own pages and API paths ("/api/status/feed.atom"): one leading slash, no scheme, no `//host`.
export function sameOriginPath(value) {
  return typeof value === "string" && /^\/(?![\/\\])[\w\-./?=&%]*$/.test(value) ? value : null;
}

// A `blob:` URL this page made itself (the dashboard's CSV download).
function ownBlob(value) {
  return typeof value === "string" && value.startsWith(`blob:${location.origin}/`) ? value : null;
}

// -- elements -----------------------------------------------------------------------------------

const FORBIDDEN = /^(on|style$|src$|srcdoc$|action$|formaction$|innerhtml$|outerhtml$)/i;

/* el("a", {class, text, href, limit, ...attributes}, ...children): text is textContent and every
 * other attribute a plain value (both cleaned, `limit` characters); `href` only through the link rules; string children are text too. Never
 * markup, a script URL, an inline style (the CSP forbids them) or a handler from here. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  const limit = attrs.limit || TEXT_LIMIT;
  for (const [name, value] of Object.entries(attrs)) {
    if (value == null || name === "limit") continue;
    if (name === "class") node.className = value;
    else if (name === "text") node.textContent = plain(value, limit);
    else if (name === "href") {
      const link = httpsLink(value) || sameOriginPath(value) || ownBlob(value);
      if (link) node.href = link;
    } else if (FORBIDDEN.test(name)) throw new Error(`el(): ${name} is not allowed`);
    else node.setAttribute(name, plain(value, limit)); // a title or label is outside text too
  }
  for (const child of children) {
    if (child != null) node.append(typeof child === "string" ? plain(child, limit) : child);
  }
  return node;
}

// -- numbers and times --------------------------------------------------------------------------

// The product's defaults (METRICS_TIMEZONE; CarBot is German). A page passes the zone the API
// names (`timezone`) and the visitor's language; these are what it shows until then.
export const DEFAULT_ZONE = "Europe/Berlin";
export const DEFAULT_LOCALE = "de-DE";
const BYTE_UNITS = ["bytes", "KiB", "MiB", "GiB", "TiB"];

// Two decimals rounded DOWN (as the badge and lib/core: the API's 99.999 reads 99.99 %, never
// 100.00 %, and 99.899 reads 99.89 %, never a met 99.9 %). Rounded to 3 first so 99.95 stored as
// 99.94999… still reads 99.95.
export function truncate2(value) {
  const thousandths = Math.round(value * 1000);
  return Math.trunc(thousandths / 10) / 100;
}

/* One number rule for both pages. `%`: two decimals rounded down, always shown; bytes in
 * KiB/MiB; anything else with 2/1/0 decimals below 10/100/above; a unit other than "count"
 * follows after a space. null/NaN is "–". */
export function formatNumber(value, unit = "", locale = DEFAULT_LOCALE) {
  if (value == null || Number.isNaN(value)) return "–";
  if (unit === "%") {
    const shown = truncate2(value).toLocaleString(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    return `${shown} %`;
  }
  if (unit === "bytes") { // 12345678 bytes reads as 11.8 MiB, not a number wider than its axis
    let i = 0;
    while (Math.abs(value) >= 1024 && i < BYTE_UNITS.length - 1) { value /= 1024; i++; }
    return `${value.toLocaleString(locale, { maximumFractionDigits: i ? 1 : 0 })} ${BYTE_UNITS[i]}`;
  }
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  const shown = value.toLocaleString(locale, { maximumFractionDigits: digits });
  return unit && unit !== "count" ? `${shown} ${unit}` : shown;
}

const formatters = new Map();
function formatter(locale, options) {
  const key = `${locale}|${JSON.stringify(options)}`;
  if (!formatters.has(key)) formatters.set(key, new Intl.DateTimeFormat(locale, options));
  return formatters.get(key);
}

/* A moment (ISO 8601 with offset, or epoch ms) as date and time in `zone`, the zone named:
 * "06.12.2026, 11:00 MEZ" (de-DE), "06/12/2026, 11:00 CET" (en-GB). */
export function formatTime(value, { zone = DEFAULT_ZONE, locale = DEFAULT_LOCALE, seconds = false } = {}) {
  if (value == null || value === "") return "–";
  const moment = new Date(value);
  if (Number.isNaN(moment.getTime())) return "–";
  const options = {
    timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short",
  };
  if (seconds) options.second = "2-digit";
  return formatter(locale, options).format(moment);
}

/* A calendar day of the API ("2026-09-08", already a day in the product's zone) as the
 * locale writes it: "08.09.2026" / "08/09/2026". Never shifted by the browser's zone. */
export function formatDay(day, locale = DEFAULT_LOCALE) {
  if (typeof day !== "string" || !/^\d{4}-\d\d-\d\d$/.test(day)) return "–";
  const options = { timeZone: "UTC", year: "numeric", month: "2-digit", day: "2-digit" };
  return formatter(locale, options).format(new Date(`${day}T12:00:00Z`));
}

// The zone's short name at a moment ("MEZ"/"MESZ", "CET"/"CEST"), for "times in …" notes.
export function zoneLabel({ zone = DEFAULT_ZONE, locale = DEFAULT_LOCALE, at = Date.now() } = {}) {
  const parts = formatter(locale, { timeZone: zone, timeZoneName: "short" }).formatToParts(new Date(at));
  const name = parts.find((p) => p.type === "timeZoneName");
  return `${zone}${name ? ` (${name.value})` : ""}`;
}

/* A wall-clock time typed in the product's zone ("2026-12-08T02:00" from <input
 * type=datetime-local>) as the UTC instant the API takes ("2026-12-08T01:00:00.000Z"), whatever
 * the browser's own zone. null for anything else. */
export function zonedToUtc(wall, zone = DEFAULT_ZONE) {
  const m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)$/.exec(wall || "");
  if (!m) return null;
  const asUtc = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]);
  let instant = asUtc - offsetAt(asUtc, zone);
  instant = asUtc - offsetAt(instant, zone); // once more: the offset at the instant, not the guess
  return new Date(instant).toISOString();
}

// The zone's offset from UTC in ms at an instant (its wall clock read as if it were UTC, minus it).
function offsetAt(instant, zone) {
  const options = { timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" };
  const parts = Object.fromEntries(formatter("en-US", options).formatToParts(new Date(instant)).map((p) => [p.type, p.value]));
  const wall = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute, +parts.second);
  return wall - Math.floor(instant / 1000) * 1000;
}

// -- the API ------------------------------------------------------------------------------------

// The dashboard's HEALTH_TOKEN lives in this tab's sessionStorage only, sent as a bearer header,
// never in a URL or a cookie.
const TOKEN_KEY = "carbot.healthToken";
export const tokenStore = {
  get: () => sessionStorage.getItem(TOKEN_KEY),
  set: (token) => sessionStorage.setItem(TOKEN_KEY, token),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

export class Unauthorized extends Error {}

/* apiClient({token, onRejected}): `request(method, path, body)` answers {status, ok, body, error}
 * and never throws for an HTTP or network failure (status 0: no answer). With `token` (a getter)
 * every request carries it; a 401/403 calls onRejected(status) once for the token that was sent
 * (a late answer to an older token must not sign out the one typed since) and throws
 * Unauthorized. */
export function apiClient({ token = null, onRejected = () => {} } = {}) {
  async function request(method, path, body) {
    const sent = token ? token() : null;
    if (token && !sent) throw new Unauthorized(); // signed out while a chained load was on its way
    const headers = { Accept: "application/json" };
    if (sent) headers.Authorization = `Bearer ${sent}`;
    const init = { method, headers, cache: "no-store" };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(path, init);
    } catch {
      return { status: 0, ok: false, body: null, error: "the monitor did not answer (network error)" };
    }
    if (token && (response.status === 401 || response.status === 403)) {
      if (token() === sent) onRejected(response.status);
      throw new Unauthorized();
    }
    const type = response.headers.get("content-type") || "";
    const parsed = type.includes("json") ? await response.json().catch(() => null) : await response.text();
    const error = parsed && typeof parsed === "object" && typeof parsed.error === "string" ? parsed.error : null;
    return { status: response.status, ok: response.ok, body: parsed, error };
  }
  return {
    request,
    get: (path) => request("GET", path),
    post: (path, body) => request("POST", path, body),
    patch: (path, body) => request("PATCH", path, body),
  };
}

/* The sentence a panel shows when its endpoint failed: 404 "not available in this deployment
 * yet", no answer, or the API's own short error (never a stack trace: the API sends none). */
export function failureText(result, what) {
  if (result.status === 404) return `${what}: not available in this deployment yet.`;
  if (result.status === 0) return `${what}: ${result.error}.`;
  return `${what} unavailable: ${result.error || `HTTP ${result.status}`}.`;
}

// A banner node's text; hidden when there is nothing to say.
export function showBanner(node, text) {
  node.textContent = text ? plain(text, 1000) : "";
  node.hidden = !text;
}
