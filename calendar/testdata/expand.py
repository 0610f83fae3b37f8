"""Expand an iCalendar file with python3-icalendar + python3-recurring-ical-events.

Prints the occurrences starting in [FROM, TO) as JSON lines
{"uid", "start", "summary"}, start in UTC (RFC 3339), or the day
("YYYY-MM-DD") of an all-day event (a DATE DTSTART), plus "alarms": the
minutes before the start each VALARM triggers, when it has any. Cancelled
occurrences are left out.

Usage: /usr/bin/python3 expand.py FILE FROM TO   (FROM/TO: RFC 3339, UTC "Z")
"""
import datetime
import json
import sys

import icalendar
import recurring_ical_events


def parse(s):
    return datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)


def main():
    path, start, end = sys.argv[1], parse(sys.argv[2]), parse(sys.argv[3])
    with open(path, "rb") as f:
        cal = icalendar.Calendar.from_ical(f.read())
    out = []
    for ev in recurring_ical_events.of(cal).between(start, end):
        if str(ev.get("STATUS", "")).upper() == "CANCELLED":
            continue
        dt = ev["DTSTART"].dt
        if isinstance(dt, datetime.datetime):
            dt = dt.astimezone(datetime.timezone.utc)
            if not (start <= dt < end):
                continue
            when = dt.strftime("%Y-%m-%dT%H:%M:%SZ")
        else:  # a date: an all-day event
            if not (start.date() <= dt < end.date()):
                continue
            when = dt.isoformat()
        o = {"uid": str(ev["UID"]), "start": when, "summary": str(ev.get("SUMMARY", ""))}
        alarms = []
        for a in ev.walk("VALARM"):
            if str(a.get("ACTION", "")).upper() != "DISPLAY" or not str(a.get("DESCRIPTION", "")):
                continue
            td = a["TRIGGER"].dt
            alarms.append(int(-td.total_seconds() // 60))
        if alarms:
            o["alarms"] = alarms
        out.append(o)
    out.sort(key=lambda o: (o["start"], o["uid"]))
    for o in out:
        print(json.dumps(o))


if __name__ == "__main__":
    main()
