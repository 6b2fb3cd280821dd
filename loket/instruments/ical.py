"""A hand-written iCalendar (RFC 5545) feed of call deadlines: all-day events, escaped, folded."""

import datetime
from collections.abc import Iterable

from loket.instruments.selectors import Deadline


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _fold(line: str) -> str:
    """Lines longer than 75 octets are folded with CRLF + space, never inside a UTF-8 sequence."""
    out: list[str] = []
    current = b""
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > (75 if not out else 74):
            out.append(current.decode())
            current = b""
        current += encoded
    out.append(current.decode())
    return "\r\n ".join(out)


def calendar_ics(*, deadlines: Iterable[Deadline], site_url: str, now: datetime.datetime) -> str:
    stamp = now.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Loket//Support deadlines//NL",
        "CALSCALE:GREGORIAN",
        "X-WR-CALNAME:Loket deadlines",
    ]
    for deadline in deadlines:
        day = deadline.date
        lines += [
            "BEGIN:VEVENT",
            f"UID:{_escape(deadline.uid)}@loket",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
            f"DTEND;VALUE=DATE:{day + datetime.timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{_escape('Deadline: ' + deadline.title)}",
            f"DESCRIPTION:{_escape(deadline.uid + ' - ' + deadline.source)}",
            f"URL:{site_url.rstrip('/')}{deadline.url}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
