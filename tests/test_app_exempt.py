"""Exempt information never reaches the public, end to end: the app in a subprocess, driven in real headless Chromium.

Streamlit serves what st.image and st.download_button are given at /media/<id> to anyone holding the URL (no
session check, ids from the content, still there after sign-out). A member's exempt page image, paper download and
conversation export must therefore never have such a URL: a second browser that never signed in fetches every
/media URL the member's page referenced, and none gives the exempt bytes; after sign-out neither does the member's
own browser. Sign-in guesses from parallel browser sessions are throttled together by the app process.

Waiting is Playwright's own (wait_for, expect_download); the server is polled only until it answers.
"""
from __future__ import annotations

import base64
import hashlib
import os
import re
import sys
import time
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest
from conftest import ROOT
from test_browser import CHROMIUM, CHROMIUM_ARGS, WAIT_S, _free_port, serving
from test_exempt import _pdf

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium "
                                                                 "(apt-get install chromium chromium-driver)")]

PAPER = "depot-sale.pdf"
SECRET = "Brackenfield"
QUESTION = "Who is the Quillmoor depot to be sold to?"
PUBLIC_PAGE = ["Highways and Transport Committee", "Meeting Date: 5 March 2020", "Library services review",
               *[f"The library opening hours at branch {n} will be extended on Saturdays from April, and the mobile "
                 f"library route {n} will" for n in range(1, 9)],
               "call at every village once a fortnight. Volunteers will staff the reading groups."]
EXEMPT_PAGE = ["NOT FOR PUBLICATION",
               "By virtue of paragraph 3 of Part 1 of Schedule 12A of the Local Government Act 1972.",
               "Disposal of the Quillmoor depot",
               "The Quillmoor depot is no longer needed for highway maintenance. Officers recommend that the",
               "Quillmoor depot be sold to Brackenfield Holdings Limited for 3.4 million pounds, the best of four",
               "sealed bids received.",
               *[f"Sealed bid {n} for the depot site was opened by the clerk in the presence of two officers and "
                 "recorded." for n in range(1, 8)]]
USERS = {"mia": ("member-pass", ["member"])}


class App:
    """`streamlit run app.py` in password mode over a library: its address, its log and the paper in it."""

    def __init__(self, url: str, log: Path, pdf: Path):
        self.url, self.log, self.pdf = url, log, pdf


@pytest.fixture()
def app(tmp_path, fresh_library):
    pdf = _pdf(tmp_path / PAPER, [PUBLIC_PAGE, EXEMPT_PAGE], size=11, leading=18)
    assert fresh_library.ingest([pdf]).ok
    from ui.pages import exempt_pages

    assert exempt_pages(fresh_library.registry, fresh_library.doc_id_for(pdf)) == {2}  # page 1 is published
    home = tmp_path / "home"  # Streamlit reads .streamlit/secrets.toml from the folder it runs in
    (home / ".streamlit").mkdir(parents=True)
    (home / ".streamlit" / "secrets.toml").write_text("".join(
        f'[committee_users.{name}]\npassword_sha256 = "{hashlib.sha256(pw.encode()).hexdigest()}"\n'
        f"roles = {roles!r}\n".replace("'", '"') for name, (pw, roles) in USERS.items()))
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMMITTEE_")}
    env.update(HF_HUB_OFFLINE="1", COMMITTEE_DATA=str(fresh_library.settings.data_dir), COMMITTEE_AUTH="password")
    command = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
               "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    log = tmp_path / "server.log"
    with serving(command, url, env, log, cwd=home):
        yield App(url, log, pdf)


@pytest.fixture()
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def _open(browser, url: str):
    page = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 1600}).new_page()
    page.set_default_timeout(WAIT_S * 1000)
    page.goto(url)
    page.get_by_label("User name").wait_for()
    return page


def _settled(page) -> None:
    """The script run has finished (Streamlit's running indicator is gone)."""
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden")


def _sign_in(page, name: str, password: str) -> None:
    page.get_by_label("User name").fill(name)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def _media_urls(page, base: str) -> set[str]:
    """Every /media/<id> URL the page and its frames reference (Streamlit's own assets are under /static/)."""
    found = set()
    for frame in page.frames:
        try:
            refs = frame.evaluate("() => [...document.querySelectorAll('[src],[href]')]"
                                  ".map(e => e.getAttribute('src') || e.getAttribute('href'))")
        except Exception:  # noqa: BLE001 - a frame that went away meanwhile
            continue
        for ref in refs:
            if ref and not ref.startswith("data:"):
                url = urljoin(base + "/", ref)
                if urlparse(url).path.startswith("/media/"):
                    found.add(url)
    return found


def _no_secret_in(request, urls: set[str], secrets: list[bytes]) -> dict[str, int]:
    """Fetch every URL with ``request`` (a browser context's); none may give any of ``secrets``."""
    statuses = {}
    for url in sorted(urls):
        got = request.get(url)
        body = got.body() if got.status == 200 else b""
        statuses[url] = got.status
        leaked = [s[:20] for s in secrets if s and (body == s or (len(s) < 200 and s in body))]
        assert not leaked, f"{url} ({got.status}) gives exempt content {leaked}"
    return statuses


def test_a_members_exempt_page_download_and_export_have_no_url_a_stranger_or_signed_out_browser_can_fetch(
        app, browser):
    member = _open(browser, app.url)
    responses: list[str] = []
    member.on("response", lambda r: responses.append(r.url) if urlparse(r.url).path.startswith("/media/") else None)
    _sign_in(member, "mia", USERS["mia"][0])
    member.get_by_text("Signed in as mia").wait_for()

    # the chat: an answer from the exempt page, its page image, the paper and the conversation export
    box = member.locator('[data-testid="stChatInputTextArea"]')
    box.fill(QUESTION)
    box.press("Enter")
    member.locator('[data-testid="stChatMessage"]').get_by_text(SECRET).first.wait_for()
    _settled(member)
    member.get_by_text("See page 2 of the paper").first.click()
    image = member.locator("img[src^='data:image/png;base64,']").first
    image.wait_for()
    assert image.evaluate("img => img.complete && img.naturalWidth") > 100  # drawn, not sanitised away
    exempt_png = base64.b64decode(image.get_attribute("src").split(",", 1)[1])
    assert exempt_png.startswith(b"\x89PNG")
    _settled(member)
    with member.expect_download() as saved:
        member.get_by_role("button", name="Download the paper").first.click()
    assert saved.value.suggested_filename == PAPER
    assert Path(saved.value.path()).read_bytes() == app.pdf.read_bytes()
    _settled(member)
    with member.expect_download() as saved:
        member.get_by_role("button", name="Export conversation (Markdown)").click()
    export = Path(saved.value.path()).read_bytes()
    assert SECRET.encode() in export and saved.value.suggested_filename.endswith(".md")
    _settled(member)
    urls = _media_urls(member, app.url)

    # the Papers tab: the exempt page again, then the published page, which keeps Streamlit's media URL
    member.get_by_role("tab", name="Papers").click()
    member.get_by_text(PAPER).first.click()
    member.get_by_placeholder("Page number").fill("2")
    member.get_by_placeholder("Page number").press("Enter")
    member.locator("figcaption", has_text=f"{PAPER}, PDF page 2 of 2").wait_for()
    _settled(member)
    urls |= _media_urls(member, app.url)
    member.get_by_placeholder("Page number").fill("1")
    member.get_by_placeholder("Page number").press("Enter")
    published = member.locator("img[src*='media/']").first
    published.wait_for()
    _settled(member)
    urls |= _media_urls(member, app.url) | set(responses)
    public_url = urljoin(app.url + "/", published.get_attribute("src"))
    assert public_url in urls

    # a browser that never signed in: every URL the member's page used, and none gives anything exempt
    secrets = [exempt_png, app.pdf.read_bytes(), export, SECRET.encode(), b"Quillmoor"]
    stranger = browser.new_context()
    statuses = _no_secret_in(stranger.request, urls, secrets)
    assert statuses[public_url] == 200  # the check can see a URL that works: published media stays cacheable
    stranger_page = stranger.new_page()
    stranger_page.goto(app.url)
    stranger_page.get_by_text("Viewing as the").first.wait_for()
    _settled(stranger_page)
    assert SECRET not in stranger_page.content()

    # signed out, the member's own browser reaches nothing exempt either: not in the page, not by any URL
    member.get_by_role("button", name="Sign out").click()
    member.get_by_text("Viewing as the").first.wait_for()
    _settled(member)
    html = member.content()
    assert "data:image/png;base64," not in html and SECRET not in html and "data:application/pdf" not in html
    assert not [f for f in member.frames if "private-download" in (f.content() if f != member.main_frame else "")]
    urls |= _media_urls(member, app.url) | set(responses)
    _no_secret_in(member.context.request, urls, secrets)
    member.get_by_role("tab", name="Chat").click()
    _settled(member)
    assert SECRET not in member.content()


def test_viewing_an_exempt_page_and_its_download_requests_no_media_url_at_all(app, browser):
    """Stricter than fetching what was referenced: while a member opens the exempt page and its download on the
    Papers tab, the browser asks Streamlit's /media route for nothing; the published page then does use it."""
    member = _open(browser, app.url)
    media: list[str] = []  # Streamlit's media files are served at /media/<id> (its own assets at /static/media/)
    member.on("request", lambda r: media.append(r.url) if urlparse(r.url).path.startswith("/media/") else None)
    _sign_in(member, "mia", USERS["mia"][0])
    member.get_by_text("Signed in as mia").wait_for()
    member.get_by_role("tab", name="Papers").click()
    member.get_by_text(PAPER).first.click()
    member.get_by_placeholder("Page number").fill("2")
    member.get_by_placeholder("Page number").press("Enter")
    member.locator("img[src^='data:image/png;base64,']").wait_for()
    member.get_by_role("button", name="Download the paper").click()  # bytes made only on click
    member.frame_locator("iframe").locator("a.private-download[href^='data:application/pdf']").wait_for(
        state="attached")
    _settled(member)
    assert not re.search(r"(?<!static)/media/", member.content()) and not media, media
    member.get_by_placeholder("Page number").fill("1")
    member.get_by_placeholder("Page number").press("Enter")
    member.locator("img[src*='media/']").first.wait_for()
    public_url = member.locator("img[src*='media/']").first.get_attribute("src")
    assert browser.new_context().request.get(urljoin(app.url + "/", public_url)).status == 200
    member.get_by_role("button", name="Sign out").click()
    member.get_by_text("Viewing as the").first.wait_for()
    assert "data:image/png;base64," not in member.content()


def test_sign_in_guesses_from_parallel_browser_sessions_are_throttled_together(app, browser):
    """Five browsers guess at once (four at mia's password, one at a user that does not exist): the app process
    counts them together, so only the first three are checked and the others are refused in the same words; the
    right password, tried while the wait runs, is refused unchecked too."""
    from ui.access import SignInThrottle

    guesses = [("mia", "wrong-1"), ("mia", "wrong-2"), ("MIA", "wrong-3"), ("mia ", "wrong-4"),
               ("nobody", "wrong-5")]
    pages = [_open(browser, app.url) for _ in guesses]
    right = _open(browser, app.url)
    for page, (name, password) in zip(pages, guesses):
        page.get_by_label("User name").fill(name)
        page.get_by_role("textbox", name="Password").fill(password)
    right.get_by_label("User name").fill("mia")
    right.get_by_role("textbox", name="Password").fill(USERS["mia"][0])
    started = time.monotonic()
    for page in pages:  # all at once: nothing waits for an answer before the last click
        page.get_by_role("button", name="Sign in").click()
    said = []
    for page in pages:
        alert = page.get_by_text(re.compile(r"do not match|Too many failed sign-ins")).first
        alert.wait_for()
        said.append(alert.inner_text())
    right.get_by_role("button", name="Sign in").click()
    elapsed = time.monotonic() - started
    mismatch = "That user name and password do not match; please try again."
    assert said.count(mismatch) == SignInThrottle.FREE_ATTEMPTS, said
    refused = [s for s in said if s != mismatch]
    assert len(refused) == len(guesses) - SignInThrottle.FREE_ATTEMPTS
    assert {re.sub(r"\d+", "N", s) for s in refused} == {"Too many failed sign-ins; try again in N seconds."}
    if elapsed < SignInThrottle.FIRST_WAIT_S:  # still inside the wait: not even the right password is checked
        right.get_by_text("Too many failed sign-ins").wait_for()
        assert "Signed in as" not in right.content()
    log = app.log.read_text()
    assert "failed sign-in for 'mia' from unknown" in log and "sign-in refused unchecked" in log
    assert "wrong-" not in log and USERS["mia"][0] not in log  # names and addresses, never passwords
