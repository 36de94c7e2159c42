"""ModernGov sites: committees, their meetings and each meeting's agenda items with the documents they link.

The site's ``mgWebService.asmx`` answers plain HTTP GET as well as SOAP, with the same XML inside; elements are
read by local name, so a SOAP envelope or a namespace changes nothing. Dates come as dd/mm/yyyy. A linked
document marked ``isrestricted`` (an exempt item) is fetched for members and ingested restricted.
"""
from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date

from ingest.sources.http import FetchError
from ingest.sources.models import RemoteDocument, Source, SourceFacts


@dataclass(frozen=True)
class Committee:
    id: str
    title: str


@dataclass(frozen=True)
class Meeting:
    id: str
    committee_id: str
    date: str | None  # ISO


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower()


def _children(node: ET.Element, name: str) -> list[ET.Element]:
    return [e for e in node.iter() if _local(e.tag) == name]


def _text(node: ET.Element, name: str) -> str:
    """The text of the first direct child called ``name`` (ModernGov escapes twice: ``&amp;amp;``)."""
    for child in node:
        if _local(child.tag) == name:
            return html.unescape((child.text or "").strip())
    return ""


def iso_date(text: str) -> str | None:
    """dd/mm/yyyy (ModernGov's form, a time may follow) or ISO, as an ISO date; None when it is neither."""
    text = text.strip().split(" ")[0].split("T")[0]
    try:
        if "/" in text:
            d, m, y = (int(x) for x in text.split("/"))
            return date(y, m, d).isoformat()
        return date.fromisoformat(text).isoformat()
    except ValueError:
        return None


def parse_committees(xml: str) -> list[Committee]:
    root = ET.fromstring(xml)
    return [Committee(_text(c, "committeeid"), _text(c, "committeetitle")) for c in _children(root, "committee")
            if _text(c, "committeeid")]


def parse_meetings(xml: str) -> list[Meeting]:
    """Meetings of a GetMeetings answer; one with a date that is not one is left out."""
    root = ET.fromstring(xml)
    found = []
    for m in _children(root, "meeting"):
        day = iso_date(_text(m, "meetingdate"))
        if _text(m, "meetingid") and day:
            found.append(Meeting(_text(m, "meetingid"), _text(m, "committeeid"), day))
    return found


def parse_meeting(xml: str, body: str, meeting_date: str | None = None) -> list[RemoteDocument]:
    """Every document a GetMeeting answer links, with its agenda item (number, title) and the meeting's facts."""
    root = ET.fromstring(xml)
    meeting = next(iter(_children(root, "meeting")), root)
    meeting_id = _text(meeting, "meetingid")
    day = iso_date(_text(meeting, "meetingdate")) or meeting_date
    body = _text(meeting, "committeetitle") or body
    docs: list[RemoteDocument] = []
    seen: set[str] = set()
    for position, item in enumerate(_children(meeting, "agendaitem"), start=1):
        number = _text(item, "agendaitemnumber") or _text(item, "minutesitemnumber") or str(position)
        title = _text(item, "agendaitemtitle")
        exempt = _text(item, "isrestricted").lower() == "true"
        for doc in _children(item, "linkeddoc"):
            url = _text(doc, "url")
            if not url or url in seen:
                continue
            seen.add(url)
            key = f"{meeting_id}/{_text(doc, 'attachmentid') or url}"
            restricted = exempt or _text(doc, "isrestricted").lower() == "true"
            facts = SourceFacts(committee=body, meeting_date=day, item_number=number, item_title=title,
                                title=_text(doc, "title") or title, restricted=restricted)
            docs.append(RemoteDocument(key, url, facts, _doc_type(title, _text(doc, "title"))))
    return docs


def _doc_type(item_title: str, doc_title: str) -> str:
    words = f"{item_title} {doc_title}".lower()
    if "minutes" in words:
        return "minutes"
    return "agenda" if "agenda" in doc_title.lower() else "report"


def list_documents(source: Source, fetcher) -> list[RemoteDocument]:
    """Committees (all, or the one named), their meetings since ``source.since``, and each meeting's documents.

    GetMeetings is known to ignore its date range on some sites, so meetings are filtered here as well."""
    service = source.location.rstrip("/") + "/mgWebService.asmx"
    committees = parse_committees(fetcher.text(f"{service}/GetCommittees", {"lDays": "0"}))
    if source.committee:
        committees = [c for c in committees if c.title.lower() == source.committee.lower()]
        if not committees:
            raise FetchError(f"{service}: lists no committee called {source.committee!r}; check the name as the "
                             "site spells it.")
    since = source.since or "1900-01-01"
    to = date.today().replace(year=date.today().year + 1).strftime("%d/%m/%Y")
    docs: list[RemoteDocument] = []
    for committee in committees:
        answer = fetcher.text(f"{service}/GetMeetings", {"lCommitteeId": committee.id,
                                                          "sFromDate": _dmy(since), "sToDate": to})
        for meeting in parse_meetings(answer):
            if meeting.date and meeting.date < since:
                continue
            xml = fetcher.text(f"{service}/GetMeeting", {"lMeetingId": meeting.id})
            docs.extend(parse_meeting(xml, committee.title, meeting.date))
    return docs


def _dmy(iso: str) -> str:
    y, m, d = iso.split("-")
    return f"{d}/{m}/{y}"
