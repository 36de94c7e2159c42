"""Shared fixtures: the bundled sample papers ingested once per test session, with the real model and Chroma."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
SHARED = ROOT.parent / "shared"
PACK_2018 = "adults-committee-2018-09-06-agenda-pack.pdf"
PACK_2019 = "adults-committee-2019-10-10-agenda-pack.pdf"

os.environ.setdefault("HF_HUB_OFFLINE", "1")

# Fixtures that load the embedding model or a real library: a test that uses one is end-to-end (``slow``).
MODEL_FIXTURES = {"library", "fresh_library", "embedder"}


def pytest_collection_modifyitems(items):
    """Two layers: ``pytest -m "not slow"`` runs the fast unit tests (no model, seconds); everything else is
    ``slow``: tests on a real library, tests marked ``slow`` by hand (subprocesses, servers) and browser tests."""
    for item in items:
        if MODEL_FIXTURES & set(item.fixturenames) or item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def settings(tmp_path_factory):
    from committee.settings import Settings

    return Settings.from_env(env={}, data_dir=tmp_path_factory.mktemp("data"))


@pytest.fixture(scope="session")
def library(settings):
    """A library holding the five sample papers."""
    from ingest.run import Library

    lib = Library(settings)
    report = lib.ingest([SAMPLES])
    assert report.ok, report.failed
    return lib


@pytest.fixture(scope="session")
def embedder(library):
    return library.vectors.embedder


def assistant_over(tmp_path_factory, embedder, texts: dict[str, str], pdfs=()):
    """An assistant over papers written for a test (file name -> text) and copies of ``pdfs``, ingested with
    the loaded model into a folder of its own."""
    from assistant.service import Assistant
    from committee.settings import Settings
    from index.vectors import VectorStore
    from ingest.run import Library

    folder = tmp_path_factory.mktemp("papers")
    for pdf in pdfs:
        (folder / pdf.name).write_bytes(pdf.read_bytes())
    for name, text in texts.items():
        (folder / name).write_text(text)
    settings = Settings.from_env(env={}, data_dir=tmp_path_factory.mktemp("data"))
    library = Library(settings, vectors=VectorStore(settings, embedder=embedder))
    assert library.ingest([folder]).ok
    return Assistant(settings, library=library)


@pytest.fixture()
def fresh_library(tmp_path, embedder):
    """An empty library in its own folder that shares the loaded model."""
    from committee.settings import Settings
    from index.vectors import VectorStore
    from ingest.run import Library

    s = Settings.from_env(env={}, data_dir=tmp_path / "data")
    return Library(s, vectors=VectorStore(s, embedder=embedder))


@pytest.fixture()
def sample_copy(tmp_path):
    def copy(name: str) -> Path:
        target = tmp_path / "papers" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(SAMPLES / name, target)
        target.chmod(0o644)
        return target
    return copy
