"""RSS and Atom feeds of published papers: each entry's PDF links (enclosures, or links ending .pdf).

A feed states little: the entry's title and, when it tags one, a category taken as the body. The meeting date
is left to the parser, since an entry's date is when it was published, not when the body met.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

import feedparser

from ingest.sources.models import RemoteDocument, Source, SourceFacts


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    category: str
    links: tuple[str, ...]


def parse_feed(text: str) -> list[Entry]:
    parsed = feedparser.parse(text)
    entries = []
    for e in parsed.entries:
        links = []
        for link in e.get("links", []):
            href = link.get("href", "")
            if href and (link.get("rel") == "enclosure" or link.get("type") == "application/pdf"
                         or href.lower().split("?")[0].endswith(".pdf")):
                links.append(href)
        tags = e.get("tags") or []
        category = (tags[0].get("term") or "") if tags else ""
        entries.append(Entry(e.get("id") or e.get("link") or "", (e.get("title") or "").strip(), category,
                             tuple(dict.fromkeys(links))))
    return entries


def list_documents(source: Source, fetcher) -> list[RemoteDocument]:
    docs = []
    for entry in parse_feed(fetcher.text(source.location)):
        for url in entry.links:
            key = hashlib.sha1(f"{entry.id}|{url}".encode()).hexdigest()[:16]
            docs.append(RemoteDocument(key, url, SourceFacts(committee=entry.category, title=entry.title)))
    return docs
