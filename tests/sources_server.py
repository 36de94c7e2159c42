"""A loopback server for the sources tests: ModernGov XML, Legistar JSON and an Atom feed from
tests/fixtures/sources/, and the PDFs they link to, with the faults a council's server shows (a slow answer,
a 500 then success, a download cut short, a page that is not a PDF) and a document that can block the sync
at a known point (``block``) so a test can kill it there."""
from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

FIXTURES = Path(__file__).parent / "fixtures" / "sources"
LAST_MODIFIED = "Wed, 11 Feb 2026 12:00:00 GMT"


def make_pdf(lines: list[str]) -> bytes:
    """A one-page text PDF (byte-identical for the same lines)."""
    import io

    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    y = 800
    for line in lines:
        c.setFont("Helvetica", 9)
        c.drawString(40, y, line)
        y -= 14
    c.showPage()
    c.save()
    return buffer.getvalue()


@dataclass
class Fixture:
    """What the server serves and how it misbehaves; tests change these between syncs."""

    base: str = ""
    documents: dict[str, bytes] = field(default_factory=dict)  # path?query -> PDF bytes
    no_etag: set[str] = field(default_factory=set)  # served with Last-Modified only
    plain: set[str] = field(default_factory=set)  # served with neither ETag nor Last-Modified
    fail_once: set[str] = field(default_factory=set)  # 500 on the first request
    slow: set[str] = field(default_factory=set)  # answers after ``slow_seconds``
    truncated: set[str] = field(default_factory=set)  # half the body, then the connection closes
    html: set[str] = field(default_factory=set)  # a 200 web page instead of the PDF
    block: dict[str, tuple[threading.Event, threading.Event]] = field(default_factory=dict)  # (reached, release)
    edits: list[tuple[str, str]] = field(default_factory=list)  # (old, new) applied to the listing files
    slow_seconds: float = 2.5
    hits: list[tuple[str, int]] = field(default_factory=list)  # (path?query, status)

    def api(self, path: str, query: dict) -> tuple[bytes, str] | None:
        """The listing answers, from the fixture files with the server's address filled in."""
        name = None
        if path.endswith("/mgWebService.asmx/GetCommittees"):
            name = "moderngov_committees.xml"
        elif path.endswith("/mgWebService.asmx/GetMeetings"):
            name = "moderngov_meetings.xml"
        elif path.endswith("/mgWebService.asmx/GetMeeting") and query.get("lMeetingId") == ["101"]:
            name = "moderngov_meeting_101.xml"
        elif path.endswith("/v1/lakeview/events"):
            if query.get("$skip", ["0"]) != ["0"]:
                return b"[]", "application/json"
            name = "legistar_events.json"
        elif path.endswith("/v1/lakeview/events/501/eventitems"):
            name = "legistar_eventitems_501.json"
        elif path == "/feed.atom":
            name = "feed.atom"
        if name is None:
            return None
        kind = "application/json" if name.endswith(".json") else "application/xml"
        text = (FIXTURES / name).read_text()
        for old, new in self.edits:
            text = text.replace(old, new)
        return text.replace("{base}", self.base).encode(), kind


class Handler(BaseHTTPRequestHandler):
    fixture: Fixture

    def log_message(self, *args) -> None:  # quiet
        pass

    def _send(self, status: int, body: bytes = b"", headers: dict | None = None, cut: bool = False) -> None:
        self.fixture.hits.append((self.path, status))
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body[: len(body) // 2] if cut else body)
        if cut:
            self.close_connection = True

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        try:
            self._get()
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout test)
            pass

    def _get(self) -> None:
        f, url = self.fixture, urlsplit(self.path)
        listing = f.api(url.path, parse_qs(url.query))
        if listing is not None:
            return self._send(200, listing[0], {"Content-Type": listing[1]})
        key = self.path
        if key in f.block:
            reached, release = f.block[key]
            reached.set()
            release.wait(120)
        if key in f.slow:
            time.sleep(f.slow_seconds)
        if key in f.fail_once:
            f.fail_once.discard(key)
            return self._send(500, b"Server Error")
        if key in f.html:
            return self._send(200, b"<!DOCTYPE html><html><body>Please sign in</body></html>",
                              {"Content-Type": "text/html"})
        body = f.documents.get(key)
        if body is None:
            return self._send(404, b"not found")
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        headers = {"Content-Type": "application/pdf", "Last-Modified": LAST_MODIFIED}
        if key in f.plain:
            del headers["Last-Modified"]
        elif key not in f.no_etag:
            headers["ETag"] = etag
            if self.headers.get("If-None-Match") == etag:
                return self._send(304, headers=headers)
        elif self.headers.get("If-Modified-Since") == LAST_MODIFIED:
            return self._send(304, headers=headers)
        self._send(200, body, headers, cut=key in f.truncated)


def serve(fixture: Fixture):
    """Start the server in a thread; returns (server, fixture) with ``fixture.base`` set."""
    handler = type("FixtureHandler", (Handler,), {"fixture": fixture})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    fixture.base = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


MG = "/mg/mgConvert2PDF.aspx?ID="
LG = "/legistar/files/"


def council_papers() -> dict[str, bytes]:
    """The PDFs every source links to; the Head of Planning's report names another body and date than the
    source does (the source must win)."""
    return {
        f"{MG}1001": make_pdf(["PLANNING COMMITTEE", "MINUTES of the meeting held on 4 February 2026",
                               "12. LAND AT THE OLD SCHOOL", "It was resolved unanimously to approve the application."]),
        f"{MG}1002": report_1002(),
        f"{MG}1003": make_pdf(["Appendix A", "Site plan of Mill Lane showing the access from Station Road."]),
        f"{MG}1004": make_pdf(["Sale of the Depot", "The depot will be sold to Northgate Estates for 1.2 million."]),
        f"{LG}agenda-501.pdf": make_pdf(["CITY OF LAKEVIEW", "City Council Agenda", "February 10, 2026",
                                         "1. Call to order", "5. Budget amendment for the harbour wall repairs"]),
        f"{LG}minutes-501.pdf": make_pdf(["CITY OF LAKEVIEW", "City Council Minutes", "February 10, 2026",
                                          "The council approved the harbour wall budget amendment 5-0."]),
        f"{LG}staff-report-7701.pdf": make_pdf(["Staff report", "The harbour wall needs repairs costing 340,000."]),
        f"{LG}legal-7702.pdf": make_pdf(["Legal advice", "The city's exposure in the harbour claim is limited."]),
        f"{LG}survey-7703.pdf": make_pdf(["Consultant's survey", "Twelve sections of the harbour wall are cracked."]),
        "/feed/parks-agenda-2026-02-18.pdf": make_pdf(["PARKS COMMITTEE", "Agenda", "18 February 2026",
                                                       "1. Play area renewal at Victoria Park"]),
    }


def report_1002(changed: bool = False) -> bytes:
    lines = ["CABINET", "Meeting Date: 1 January 2025", "Report of the Head of Planning",
             "Land at Mill Lane: the application for 40 homes is recommended for approval."]
    return make_pdf(lines + (["Update: the applicant has reduced the scheme to 36 homes."] if changed else []))
