"""End to end: `committee serve` in a subprocess, driven in real headless Chromium with Playwright.

CI installs the browser with `apt-get install chromium chromium-driver`; Playwright never downloads one.
The screenshot is left in tests/artifacts/chat.png for a person to look at.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

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


@contextmanager
def serving(command: list[str], url: str, env: dict, log: Path, cwd: Path = ROOT):
    """The app server ``command`` in its own session, until it answers at ``url``; stopped afterwards."""
    with log.open("w") as out:
        server = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                  start_new_session=True)
    try:
        _wait_until_up(url, server, log)
        yield server
    finally:
        _stop(server)


def test_chat_in_chromium_cites_minute_98_pages_6_7(library, settings, tmp_path):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    committee = shutil.which("committee")
    command = [committee] if committee else [sys.executable, "-m", "committee.cli"]
    command += ["--data", str(settings.data_dir), "serve", "--port", str(port), "--no-samples"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMMITTEE_")}
    env.update(HF_HUB_OFFLINE="1", STREAMLIT_BROWSER_GATHER_USAGE_STATS="false")
    with serving(command, url, env, tmp_path / "server.log"), sync_playwright() as p:
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
    assert (ARTIFACTS / "chat.png").stat().st_size > 10_000

