"""Polite, careful HTTP for publishing systems: one client, a pause between requests, retries with backoff on
timeouts and 5xx, conditional requests, and downloads that are checked before they replace anything.

A council's server is shared with its residents, so requests are spaced (``Settings.source_delay``); a
download goes to a temporary file beside its target and is renamed into place only when it is whole.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from committee.settings import Settings

USER_AGENT = "committee-sync/0.1 (+papers for a committee assistant)"


class FetchError(Exception):
    """A request or download that failed; the message is one sentence naming the URL and what to do."""


@dataclass(frozen=True)
class Download:
    """The result of asking for a document: ``changed`` is False for a 304 or the same content again."""

    changed: bool
    content_hash: str
    etag: str = ""
    last_modified: str = ""


class Fetcher:
    """One HTTP client for a sync, spacing its requests and retrying the ones worth retrying."""

    def __init__(self, settings: Settings, client: httpx.Client | None = None):
        self.settings = settings
        self.client = client or httpx.Client(timeout=settings.source_timeout, follow_redirects=True,
                                             headers={"User-Agent": USER_AGENT})
        self._last = 0.0

    def close(self) -> None:
        self.client.close()

    def _wait(self) -> None:
        pause = self.settings.source_delay - (time.monotonic() - self._last)
        if pause > 0:
            time.sleep(pause)
        self._last = time.monotonic()

    def _attempts(self, url: str):
        """Yield attempt numbers, sleeping the backoff before each retry."""
        for attempt in range(self.settings.source_retries + 1):
            if attempt:
                time.sleep(self.settings.source_backoff * 2 ** (attempt - 1))
            self._wait()
            yield attempt

    def text(self, url: str, params: dict | None = None) -> str:
        """The body of a listing request (XML, JSON, a feed), after retries; FetchError when it cannot be had."""
        last = ""
        for attempt in self._attempts(url):
            try:
                response = self.client.get(url, params=params)
            except httpx.TimeoutException:
                last = f"{url}: no answer within {self.settings.source_timeout:g} s; try again later or raise " \
                       "COMMITTEE_SOURCE_TIMEOUT."
                continue
            except httpx.HTTPError as exc:
                last = f"{url}: could not be reached ({type(exc).__name__}); check the address and the network."
                continue
            if response.status_code >= 500 or response.status_code == 429:
                last = _busy(url, response.status_code)
                continue
            if response.status_code >= 400:
                raise FetchError(f"{url}: the server answered {response.status_code}; check the address.")
            return response.text
        raise FetchError(last)

    def download(self, url: str, target: Path, etag: str = "", last_modified: str = "",
                 known_hash: str = "") -> Download:
        """Fetch a PDF to ``target`` unless the server says (304) or the content shows it is unchanged.

        The bytes go to a temporary file first; a body shorter than its Content-Length, or one that is not a
        whole PDF, raises FetchError and leaves ``target`` as it was."""
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        last = ""
        for attempt in self._attempts(url):
            try:
                return self._download_once(url, target, headers, known_hash)
            except _Retry as exc:
                last = str(exc)
        raise FetchError(last)

    def _download_once(self, url: str, target: Path, headers: dict, known_hash: str) -> Download:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".part-", suffix=".pdf")
        digest, size = hashlib.sha256(), 0
        try:
            with os.fdopen(fd, "wb") as out, self.client.stream("GET", url, headers=headers) as response:
                if response.status_code == 304:
                    return Download(False, known_hash, headers.get("If-None-Match", ""),
                                    headers.get("If-Modified-Since", ""))
                if response.status_code >= 500 or response.status_code == 429:
                    raise _Retry(_busy(url, response.status_code))
                if response.status_code >= 400:
                    raise FetchError(f"{url}: the server answered {response.status_code}; check that the document "
                                     "is still published.")
                for block in response.iter_bytes():
                    out.write(block)
                    digest.update(block)
                    size += len(block)
                expected = response.headers.get("Content-Length")
                if expected and int(expected) != size and "Content-Encoding" not in response.headers:
                    raise _Retry(f"{url}: the download was cut short ({size} of {expected} bytes) and was not "
                                 "ingested; run committee sync again.")
                out.flush()
                _check_pdf(url, Path(tmp))
                etag, modified = response.headers.get("ETag", ""), response.headers.get("Last-Modified", "")
            content_hash = digest.hexdigest()
            if content_hash == known_hash and target.exists():
                return Download(False, content_hash, etag, modified)
            os.replace(tmp, target)
            return Download(True, content_hash, etag, modified)
        except httpx.TimeoutException:
            raise _Retry(f"{url}: no answer within {self.settings.source_timeout:g} s; try again later or raise "
                         "COMMITTEE_SOURCE_TIMEOUT.") from None
        except httpx.RemoteProtocolError:
            raise _Retry(f"{url}: the download was cut short (the server closed the connection) and was not "
                         "ingested; run committee sync again.") from None
        except httpx.HTTPError as exc:
            raise _Retry(f"{url}: could not be reached ({type(exc).__name__}); check the address and the "
                         "network.") from None
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)


def _busy(url: str, status: int) -> str:
    if status == 429:
        return f"{url}: the server asked for fewer requests (429); raise COMMITTEE_SOURCE_DELAY and try again later."
    return f"{url}: the server answered {status}; try again later."


class _Retry(Exception):
    """A failure worth another attempt (timeout, 5xx, a cut-short body)."""


def _check_pdf(url: str, path: Path) -> None:
    """A whole PDF starts with %PDF- and ends with %%EOF (within its last kilobyte)."""
    with open(path, "rb") as fh:
        head = fh.read(5)
        if head != b"%PDF-":
            raise FetchError(f"{url}: is not a PDF (it starts {head[:20]!r}); open it in a browser to see what the "
                             "server sends.")
        fh.seek(max(0, path.stat().st_size - 1024))
        if b"%%EOF" not in fh.read():
            raise _Retry(f"{url}: the download was cut short (the PDF has no end) and was not ingested; run "
                         "committee sync again.")
