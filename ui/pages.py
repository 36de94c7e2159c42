"""Page images and downloads, and the access checks before them: an exempt page is shown only to a member,
and its bytes are embedded in that session's page (a data: URI), never served from a URL."""
from __future__ import annotations

import base64
import html
import io
import logging
import threading
from collections.abc import Callable
from pathlib import Path

import streamlit as st

from ui.text import esc

log = logging.getLogger("committee.app")



# ---- media that may be exempt ---------------------------------------------------------------------
# Streamlit serves st.image and st.download_button bytes at /media/<id> to anyone holding the URL, with ids
# that repeat across sessions and outlive sign-out. Whatever may hold exempt information is therefore
# embedded in the session's own page (a data: URI), so there is no URL to fetch and nothing left behind
# on the server; published media keeps Streamlit's cacheable URLs. A private download is put in the page
# only on the run its button was clicked in (a whole agenda pack under every citation would make each run
# carry megabytes), and the next run takes it out again.

def show_png(png: bytes, caption: str, width: int, private: bool) -> None:
    """A page image: embedded in the page when ``private``, else through Streamlit's media files."""
    if not private:
        st.image(png, caption=caption, width=width)
        return
    data = base64.b64encode(png).decode("ascii")
    st.markdown(f"<figure style='margin:0'><img src='data:image/png;base64,{data}' alt='{html.escape(caption)}' "
                f"style='max-width:{int(width)}px;width:100%'/><figcaption style='font-size:0.8em'>"
                f"{html.escape(caption)}</figcaption></figure>", unsafe_allow_html=True)


def embedded_download(raw: bytes, file_name: str, mime: str) -> str:
    """An HTML page (for st.iframe, whose sandbox allows downloads) that saves ``raw`` as ``file_name`` at once,
    from a data: URI, with a link to save it again should the browser not start the download."""
    name = html.escape(file_name, quote=True)
    href = f"data:{html.escape(mime, quote=True)};base64,{base64.b64encode(raw).decode('ascii')}"
    return (f"<a id='save' class='private-download' download='{name}' href='{href}' "
            "style='font-family:sans-serif;font-size:14px;color:#1c5fa8'>"
            f"&#11015; {name}: if the download has not started, save it from here</a>"
            "<script>document.getElementById('save').click()</script>")


def offer_download(label: str, data: bytes | str | Callable[[], bytes | str], file_name: str, mime: str, key: str,
                   private: bool, help: str | None = None) -> None:
    """A download. Public: Streamlit's download button (a callable ``data`` is read only when clicked).
    ``private``: a button whose click makes the bytes (only then) and saves them from inside the page
    (``embedded_download``), never through a /media URL."""
    if not private:
        st.download_button(label, data=data, file_name=file_name, mime=mime, key=key, on_click="ignore",
                           icon=":material/download:", help=help)
        return
    if not st.button(label, key=key, icon=":material/download:", help=help):
        return
    try:
        raw = data() if callable(data) else data
    except Exception as exc:  # noqa: BLE001 - e.g. the paper was moved since the page was drawn
        log.warning("could not make %s: %s", file_name, exc)
        st.warning(esc(f"{file_name} could not be made ({type(exc).__name__}); please try again."))
        return
    raw = raw.encode("utf-8") if isinstance(raw, str) else raw
    st.iframe(embedded_download(raw, file_name, mime), height=40)


# ---- pages ----------------------------------------------------------------------------------------
_pdfium_lock = threading.Lock()  # pdfium is not thread-safe; browser sessions run on threads


@st.cache_data(max_entries=64, show_spinner=False)
def page_png(path: str, page: int, mtime: float, scale: float = 1.5) -> bytes:
    """PDF page ``page`` (1-based) as PNG; ``mtime`` keys the cache to the file's version."""
    import pypdfium2

    with _pdfium_lock:
        pdf = pypdfium2.PdfDocument(path)
        try:
            image = pdf[page - 1].render(scale=scale).to_pil()
        finally:
            pdf.close()
    buf = io.BytesIO()
    image.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def _mime(path: str) -> str:
    return {".pdf": "application/pdf", ".md": "text/markdown"}.get(Path(path).suffix.lower(), "text/plain")


def exempt_pages(registry, doc_id: str) -> set[int]:
    """The pages of a paper the registry marks restricted (every page of a paper ingested as exempt)."""
    return {r[0] for r in registry.db.execute("SELECT number FROM pages WHERE doc_id = ? AND restricted = 1",
                                              (doc_id,))}


def may_see_page(registry, doc_id: str, page: int, member: bool = False) -> bool:
    """Whether the session may see page ``page`` of a paper: members see every page; others only the pages
    of a published paper that are not marked restricted (and nothing of a paper the registry does not know)."""
    if member:
        return True
    doc = registry.document(doc_id) if doc_id else None
    if doc is None or doc.restricted:
        return False
    row = registry.db.execute("SELECT restricted FROM pages WHERE doc_id = ? AND number = ?",
                              (doc_id, page)).fetchone()
    return row is not None and not row[0]


def may_download(registry, doc_id: str, member: bool = False) -> bool:
    """Whether the session may download the whole paper: members always; others only a published paper
    with no restricted page (a download cannot leave pages out)."""
    if member:
        return True
    doc = registry.document(doc_id) if doc_id else None
    return doc is not None and not doc.restricted and not exempt_pages(registry, doc_id)


def show_page(path: str, page: int, doc_id: str, registry, source: str = "", page_count: int | None = None,
              width: int = 720, member: bool = False) -> None:
    """One page of a paper: rendered from the PDF, or the text the index holds when it cannot be rendered.

    A page the session may not see (see ``may_see_page``) is replaced by one sentence saying so."""
    file = Path(path)
    name = source or file.name
    if not may_see_page(registry, doc_id, page, member):
        st.info(esc(f"Page {page} of {name} is exempt from publication, so only members can see it."),
                icon=":material/lock:")
        return
    if file.suffix.lower() == ".pdf" and file.exists():
        try:
            png = page_png(str(file), page, file.stat().st_mtime)
            of = f" of {page_count}" if page_count else ""
            exempt = not may_see_page(registry, doc_id, page, member=False)  # never by URL
            show_png(png, f"{name}, PDF page {page}{of}", width, private=exempt)
            return
        except Exception as exc:  # noqa: BLE001 - a damaged page still shows its text
            log.warning("could not render %s page %s: %s", path, page, exc)
            st.warning(esc(f"Page {page} of {name} could not be drawn, so the text the index holds is shown "
                           "instead."))
    elif not file.exists():
        st.warning(esc(f"{name} is no longer at {path}, so the text the index holds for page {page} is shown "
                       "instead."))
    text = registry.page_text(doc_id, page)
    st.text(text or "(no text on this page)")


def download_paper(path: str, source: str, page: int, key: str, doc_id: str = "", registry=None,
                   member: bool = False) -> None:
    """A download of the paper (read only when clicked), saying which page to open; offered only when the
    session may have the whole paper (``may_download``)."""
    file = Path(path)
    if not file.exists():
        return
    if registry is None or not may_download(registry, doc_id, member):
        st.caption(esc(f"{source} has pages that are exempt from publication, so only members can download "
                       "it."))
        return
    offer_download("Download the paper", lambda p=str(file): Path(p).read_bytes(), source, _mime(source), key,
                   private=not may_download(registry, doc_id, member=False),
                   help=f"The whole paper; the passage is on page {page} (PDF viewers open it at #page={page}).")
    st.caption(f"{esc(source)}, open at page {page} (#page={page})")


