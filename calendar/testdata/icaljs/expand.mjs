// Expands an iCalendar file with Mozilla's ical.js and prints the
// occurrences starting in [FROM, TO) as JSON lines: {"uid", "start", "summary"}
// with start in UTC (RFC 3339), or the day ("YYYY-MM-DD") of an all-day
// event, plus "alarms": the minutes before the start each VALARM triggers,
// when it has any. Cancelled occurrences are left out.
//
// Usage: node expand.mjs FILE FROM TO   (FROM/TO: RFC 3339 instants)
import fs from "node:fs";
import ICAL from "ical.js";

const [file, fromArg, toArg] = process.argv.slice(2);
const root = new ICAL.Component(ICAL.parse(fs.readFileSync(file, "utf8")));
// Thunderbird registers the feed's own VTIMEZONEs; so do we, so that TZID
// times are read with the offsets the feed publishes.
for (const tz of root.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(tz);
}
const from = new Date(fromArg);
const to = new Date(toArg);
const horizon = new Date(to.getTime() + 400 * 24 * 3600 * 1000);

const masters = new Map();
const exceptions = [];
for (const v of root.getAllSubcomponents("vevent")) {
  const ev = new ICAL.Event(v);
  if (ev.isRecurrenceException()) exceptions.push(ev);
  else masters.set(ev.uid, ev);
}
for (const ex of exceptions) {
  const m = masters.get(ex.uid);
  if (m) m.relateException(ex);
}

const out = [];
const cancelled = (comp) => (comp.getFirstPropertyValue("status") || "").toUpperCase() === "CANCELLED";
const fromDay = from.toISOString().slice(0, 10);
const toDay = to.toISOString().slice(0, 10);
const alarmsOf = (comp) =>
  comp
    .getAllSubcomponents("valarm")
    .filter((a) => (a.getFirstPropertyValue("action") || "").toUpperCase() === "DISPLAY" && a.getFirstPropertyValue("description"))
    .map((a) => Math.round(-a.getFirstPropertyValue("trigger").toSeconds() / 60));
const emit = (uid, start, summary, comp) => {
  const o = { uid, summary };
  const alarms = alarmsOf(comp);
  if (alarms.length > 0) o.alarms = alarms;
  if (start.isDate) {
    const day = start.toString();
    if (day >= fromDay && day < toDay) out.push({ ...o, start: day });
    return;
  }
  const d = start.toJSDate();
  if (d >= from && d < to) out.push({ ...o, start: d.toISOString().replace(".000Z", "Z") });
};
for (const [uid, m] of masters) {
  if (!m.isRecurring()) {
    if (!cancelled(m.component)) emit(uid, m.startDate, m.summary, m.component);
    continue;
  }
  const it = m.iterator();
  for (let next = it.next(); next; next = it.next()) {
    if (next.toJSDate() >= horizon) break;
    const det = m.getOccurrenceDetails(next);
    if (cancelled(det.item.component)) continue;
    emit(uid, det.startDate, det.item.summary, det.item.component);
  }
}
out.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.uid < b.uid ? -1 : 1));
for (const o of out) console.log(JSON.stringify(o));
