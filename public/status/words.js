/* The status page's words in German (the default) and English; the status words are Atlassian
 * Statuspage's vocabulary, which /api/status uses (docs/endpoints.md, "The status page"). */

export const LOCALES = { de: "de-DE", en: "en-GB" };

export const WORDS = {
  de: {
    title: "CarBot Status",
    loading: "Status wird geladen …",
    unknownBanner: "Status derzeit unbekannt",
    unavailable: "Status nicht verfügbar",
    refreshFailed: "Aktualisierung fehlgeschlagen",
    affected: "Betroffen",
    maintenance: "Wartungsarbeiten",
    incidents: "Störungen",
    noIncidents: "Keine Störungen in den letzten 7 Tagen.",
    components: "Komponenten",
    componentsNote: "Verfügbarkeit je Tag, letzte 90 Tage",
    noComponents: "Noch keine Komponenten.",
    daysAgo: (n) => `vor ${n} Tagen`,
    today: "heute",
    uptime30: (pct) => `${pct} Verfügbarkeit (30 Tage)`,
    dayUptime: (pct) => `${pct} Verfügbarkeit`,
    noData: "keine Daten",
    dayHint: "Einen Tag antippen für Details.",
    incidentOnDay: "Störung",
    legend: { operational: "in Ordnung", degraded_performance: "eingeschränkt", partial_outage: "teilweiser Ausfall", major_outage: "Ausfall", under_maintenance: "Wartung", none: "keine Daten", incident: "mit Störung" },
    impactLabel: "Auswirkung",
    updatesLabel: "Verlauf",
    resolvedAt: "behoben am",
    window: "Zeitraum",
    providers: "Unsere Anbieter",
    providersNote: "die Statusseiten unserer Dienstleister",
    noProviderIncident: "Kein Anbieter meldet eine Störung.",
    notChecked: "Noch nicht geprüft.",
    unreadable: "Status unbekannt: Statusseite konnte nicht gelesen werden",
    upcomingMaintenance: "geplante Wartung",
    maintenanceInProgress: "Wartung läuft",
    since: "seit",
    subscribe: "Benachrichtigungen",
    subscribeIntro: "Erhalten Sie eine E-Mail bei Störungen und geplanten Wartungen. Sie bestätigen die Adresse per Link; jede Nachricht enthält einen Abmeldelink.",
    email: "E-Mail-Adresse",
    onlySome: "Nur bestimmte Komponenten (ohne Auswahl: alle)",
    subscribeButton: "Abonnieren",
    sending: "Wird gesendet …",
    subscribeSent: "Fast geschafft: Bitte bestätigen Sie den Link in der E-Mail, die wir Ihnen gerade geschickt haben.",
    subscribeInvalid: "Diese E-Mail-Adresse ist ungültig.",
    subscribeLimited: "Zu viele Versuche. Bitte versuchen Sie es später erneut.",
    subscribeFailed: "Das hat nicht geklappt",
    feed: "Atom-Feed abonnieren",
    updated: "Stand",
    timesIn: "Zeiten in",
    refreshes: "aktualisiert alle 60 s",
    data: "Daten",
    language: "Sprache",
    component: { operational: "Betriebsbereit", degraded_performance: "Eingeschränkte Leistung", partial_outage: "Teilweiser Ausfall", major_outage: "Schwerer Ausfall", under_maintenance: "Wartung", unknown: "Unbekannt" },
    incident: { investigating: "Wird untersucht", identified: "Ursache gefunden", monitoring: "Wird beobachtet", resolved: "Behoben" },
    impact: { none: "keine", minor: "gering", major: "erheblich", critical: "kritisch" },
    maintenanceState: { scheduled: "Geplant", in_progress: "Läuft", completed: "Abgeschlossen" },
  },
  en: {
    title: "CarBot Status",
    loading: "Loading status …",
    unknownBanner: "Status currently unknown",
    unavailable: "Status unavailable",
    refreshFailed: "refresh failed",
    affected: "Affected",
    maintenance: "Maintenance",
    incidents: "Incidents",
    noIncidents: "No incidents in the last 7 days.",
    components: "Components",
    componentsNote: "uptime per day, last 90 days",
    noComponents: "No components yet.",
    daysAgo: (n) => `${n} days ago`,
    today: "today",
    uptime30: (pct) => `${pct} uptime (30 days)`,
    dayUptime: (pct) => `${pct} uptime`,
    noData: "no data",
    dayHint: "Tap a day for details.",
    incidentOnDay: "Incident",
    legend: { operational: "operational", degraded_performance: "degraded", partial_outage: "partial outage", major_outage: "outage", under_maintenance: "maintenance", none: "no data", incident: "with an incident" },
    impactLabel: "Impact",
    updatesLabel: "Updates",
    resolvedAt: "resolved",
    window: "Window",
    providers: "Our providers",
    providersNote: "our suppliers' own status pages",
    noProviderIncident: "No provider reports an incident.",
    notChecked: "Not checked yet.",
    unreadable: "Status unknown: the status page could not be read",
    upcomingMaintenance: "upcoming maintenance",
    maintenanceInProgress: "maintenance in progress",
    since: "since",
    subscribe: "Notifications",
    subscribeIntro: "Get an e-mail about incidents and scheduled maintenance. You confirm the address through a link; every message has an unsubscribe link.",
    email: "E-mail address",
    onlySome: "Only some components (none chosen: all)",
    subscribeButton: "Subscribe",
    sending: "Sending …",
    subscribeSent: "Almost done: please confirm the link in the e-mail we have just sent you.",
    subscribeInvalid: "That e-mail address is not valid.",
    subscribeLimited: "Too many attempts. Please try again later.",
    subscribeFailed: "That did not work",
    feed: "Subscribe to the Atom feed",
    updated: "As of",
    timesIn: "Times in",
    refreshes: "refreshes every 60 s",
    data: "data",
    language: "Language",
    component: { operational: "Operational", degraded_performance: "Degraded performance", partial_outage: "Partial outage", major_outage: "Major outage", under_maintenance: "Under maintenance", unknown: "Unknown" },
    incident: { investigating: "Investigating", identified: "Identified", monitoring: "Monitoring", resolved: "Resolved" },
    impact: { none: "none", minor: "minor", major: "major", critical: "critical" },
    maintenanceState: { scheduled: "Scheduled", in_progress: "In progress", completed: "Completed" },
  },
};

// The visitor's language: a choice made on this page, else the first of navigator.languages we
// speak, else German (CarBot is a German product).
const CHOICE = "carbot.statusLanguage";

export function chooseLanguage() {
  try {
    const saved = localStorage.getItem(CHOICE);
    if (saved && saved in WORDS) return saved;
  } catch {
    // storage may be blocked; the browser's languages decide
  }
  for (const tag of navigator.languages || [navigator.language || ""]) {
    const primary = String(tag).slice(0, 2).toLowerCase();
    if (primary in WORDS) return primary;
  }
  return "de";
}

export function rememberLanguage(language) {
  try {
    localStorage.setItem(CHOICE, language);
  } catch {
    // not remembered: the switch still applies to this page
  }
}

// A {de, en} text of the API in the page's language (the other one when it is missing).
export function localized(text, language) {
  return text ? text[language] || text.de || text.en || "" : "";
}
