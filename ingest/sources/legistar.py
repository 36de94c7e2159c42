"""Legistar clients through the public Web API: events (meetings) with their agenda and minutes files, and each
event's items with the attachments of the matters they take.

``GET {api}/{client}/events`` filtered by date, then ``/events/{id}/eventitems?...&Attachments=1``. An
attachment the client does not show on its public pages (``MatterAttachmentShowOnInternetPage`` false) is
ingested restricted.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from ingest.sources.models import RemoteDocument, Source, SourceFacts

PAGE = 1000  # the Web API returns at most 1000 rows per request


@dataclass(frozen=True)
class Event:
    id: int
    body: str
    date: str | None  # ISO
    agenda_file: str = ""
    minutes_file: str = ""


def parse_events(text: str) -> list[Event]:
    events = []
    for e in json.loads(text):
        if e.get("EventId") is None:
            continue
        events.append(Event(int(e["EventId"]), (e.get("EventBodyName") or "").strip(),
                            (e.get("EventDate") or "")[:10] or None, e.get("EventAgendaFile") or "",
                            e.get("EventMinutesFile") or ""))
    return events


def event_documents(event: Event) -> list[RemoteDocument]:
    """The event's own agenda and minutes files."""
    docs = []
    for kind, url in (("agenda", event.agenda_file), ("minutes", event.minutes_file)):
        if url:
            facts = SourceFacts(committee=event.body, meeting_date=event.date,
                                title=f"{event.body} {kind} {event.date or ''}".strip())
            docs.append(RemoteDocument(f"event/{event.id}/{kind}", url, facts, kind))
    return docs


def parse_event_items(text: str, event: Event) -> list[RemoteDocument]:
    """Each item's matter attachments, with the item's number and title."""
    docs = []
    for item in json.loads(text):
        number = str(item.get("EventItemAgendaNumber") or "").strip()
        title = (item.get("EventItemTitle") or "").strip()
        for a in item.get("EventItemMatterAttachments") or []:
            url = a.get("MatterAttachmentHyperlink") or ""
            if not url:
                continue
            restricted = a.get("MatterAttachmentShowOnInternetPage") is False
            facts = SourceFacts(committee=event.body, meeting_date=event.date, item_number=number,
                                item_title=title, title=(a.get("MatterAttachmentName") or title).strip(),
                                restricted=restricted)
            key = f"event/{event.id}/attachment/{a.get('MatterAttachmentId') or url}"
            docs.append(RemoteDocument(key, url, facts, "report"))
    return docs


def list_documents(source: Source, fetcher, api: str) -> list[RemoteDocument]:
    """Events since ``source.since`` (page by page), their files and their items' attachments."""
    base = f"{api.rstrip('/')}/{source.location}"
    params = {"$orderby": "EventDate", "$top": str(PAGE)}
    if source.since:
        params["$filter"] = f"EventDate ge datetime'{source.since}'"
    events: list[Event] = []
    while True:
        page = parse_events(fetcher.text(f"{base}/events", {**params, "$skip": str(len(events))}))
        events.extend(page)
        if len(page) < PAGE:
            break
    docs: list[RemoteDocument] = []
    for event in events:
        docs.extend(event_documents(event))
        items = fetcher.text(f"{base}/events/{event.id}/eventitems",
                             {"AgendaNote": "1", "MinutesNote": "1", "Attachments": "1"})
        docs.extend(parse_event_items(items, event))
    return docs
