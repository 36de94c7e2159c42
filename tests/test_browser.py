"""End to end: `committee serve` in a subprocess, driven in real headless Chromium with Playwright.

CI installs the browser with `apt-get install chromium chromium-driver`; Playwright never downloads one.
The screenshot is left in tests/artifacts/chat.png for a person to look at.
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest
from conftest import PACK_2018, ROOT

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "tests" / "artifacts"
QUESTION = "When did the committee agree to tender the Hauxton extra care contract?"
WAIT_S = 180
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium "
                                                                 "(apt-get install chromium chromium-driver)")]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_up(url: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the server stopped with status {server.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"the server did not answer at {url} within {WAIT_S} s:\n{log.read_text()[-3000:]}")


def _stop(server: subprocess.Popen) -> None:
    """Stop `committee serve` and the Streamlit process it started (they share the new session we gave it)."""
    if server.poll() is None:
        try:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(server.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            server.wait(timeout=10)
    else:  # the parent is gone; its Streamlit child may still hold the group
        try:
            os.killpg(server.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass


def test_chat_in_chromium_cites_minute_98_pages_6_7(library, settings, tmp_path):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    committee = shutil.which("committee")
    command = [committee] if committee else [sys.executable, str(ROOT / "cli.py")]
    command += ["--data", str(settings.data_dir), "serve", "--port", str(port), "--no-samples"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMMITTEE_")}
    env.update(HF_HUB_OFFLINE="1", STREAMLIT_BROWSER_GATHER_USAGE_STATS="false")
    log = tmp_path / "server.log"
    with log.open("w") as out:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                  start_new_session=True)
    try:
        _wait_until_up(url, server, log)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(viewport={"width": 1400, "height": 2200})
                page.set_default_timeout(WAIT_S * 1000)
                page.goto(url)
                box = page.locator('[data-testid="stChatInputTextArea"]')
                box.wait_for(state="visible")
                page.get_by_text("No LLM configured: answers are quoted from the papers").wait_for()
                box.fill(QUESTION)
                box.press("Enter")
                label = page.get_by_text("Adults Committee · 6 Sep 2018 pack · item 2 · minute 98 · pp. 6–7").first
                label.wait_for(state="visible")
                page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden")  # the run has finished
                answer = page.locator('[data-testid="stChatMessage"]').nth(1)
                text = answer.inner_text()
                assert "Minute 98" in text and "19 July 2018" in text
                assert "It was resolved unanimously to agree to tender the care contract at Hauxton" in text
                assert "[1] Adults Committee · 6 Sep 2018 pack · item 2 · minute 98 · pp. 6–7" in text
                assert f"{PACK_2018} · pages 6–7" in text
                assert "Filters in force: all papers" in text
                assert answer.locator("mark", has_text="Hauxton").count() >= 1
                page.get_by_text(QUESTION).first.scroll_into_view_if_needed()
                page.screenshot(path=str(ARTIFACTS / "chat.png"))
            finally:
                browser.close()
    finally:
        _stop(server)
    assert (ARTIFACTS / "chat.png").stat().st_size > 10_000


def test_exempt_media_never_has_a_url_another_browser_can_fetch(tmp_path, fresh_library):
    """A member views an exempt page image and its download in real Chromium; neither reaches the page as a
    /media URL (Streamlit serves those to anyone), so a second browser that never signed in has nothing to
    fetch, and the public page of the same paper still comes through Streamlit's media files."""
    import hashlib

    from playwright.sync_api import sync_playwright
    from test_exempt import _pdf

    pdf = _pdf(tmp_path / "depot-sale.pdf", [["Highways Committee", "Meeting Date: 5 March 2020", "Libraries."],
                                              ["NOT FOR PUBLICATION", "Brackenfield Holdings will buy the depot."]])
    assert fresh_library.ingest([pdf]).ok
    home = tmp_path / "app"
    (home / ".streamlit").mkdir(parents=True)
    digest = hashlib.sha256(b"member-pass").hexdigest()
    (home / ".streamlit" / "secrets.toml").write_text(
        f'[committee_users.mia]\npassword_sha256 = "{digest}"\nroles = ["member"]\n')
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    committee = shutil.which("committee")
    command = [committee] if committee else [sys.executable, str(ROOT / "cli.py")]
    command += ["--data", str(fresh_library.settings.data_dir), "serve", "--port", str(port), "--no-samples"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMMITTEE_")}
    env.update(HF_HUB_OFFLINE="1", STREAMLIT_BROWSER_GATHER_USAGE_STATS="false", COMMITTEE_AUTH="password")
    log = tmp_path / "server.log"
    with log.open("w") as out:
        server = subprocess.Popen(command, cwd=home, env=env, stdout=out, stderr=subprocess.STDOUT,
                                  start_new_session=True)
    try:
        _wait_until_up(url, server, log)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                member = browser.new_context().new_page()
                member.set_default_timeout(WAIT_S * 1000)
                media: list[str] = []
                # Streamlit's media files are served at /media/<id> (its own assets at /static/media/)
                member.on("request", lambda r: media.append(r.url) if urlparse(r.url).path.startswith("/media/")
                          else None)
                member.goto(url)
                member.get_by_label("User name").fill("mia")
                member.get_by_role("textbox", name="Password").fill("member-pass")
                member.get_by_role("button", name="Sign in").click()
                member.get_by_text("Signed in as mia").wait_for()
                member.get_by_role("tab", name="Papers").click()
                member.get_by_text("depot-sale.pdf").first.click()
                member.get_by_placeholder("Page number").fill("2")
                member.get_by_placeholder("Page number").press("Enter")
                member.locator("img[src^='data:image/png;base64,']").wait_for()
                member.get_by_role("button", name="Download the paper").click()  # bytes made only on click
                member.frame_locator("iframe").locator("a.private-download[href^='data:application/pdf']").wait_for(
                    state="attached")
                member.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden")
                html = member.content()
                assert not re.search(r"(?<!static)/media/", html) and not media, media  # nothing exempt has a URL
                # the published page 1 still comes through Streamlit's media files, cacheable
                member.get_by_placeholder("Page number").fill("1")
                member.get_by_placeholder("Page number").press("Enter")
                member.locator("img[src*='media/']").first.wait_for()
                public_url = member.locator("img[src*='media/']").first.get_attribute("src")
                stranger = browser.new_context().new_page()
                got = stranger.request.get(urljoin(url + "/", public_url))
                assert got.status == 200  # published media stays reachable
                member.get_by_role("button", name="Sign out").click()
                member.get_by_text("Viewing as the").first.wait_for()
                assert "data:image/png;base64," not in member.content()
            finally:
                browser.close()
    finally:
        _stop(server)
