"""A search index derived from the registry, saved under the registry's chunk generation (index/lexical.py,
index/dense.py): written to a scratch folder and renamed, so a reader never sees half of one; older ones
dropped; loaded once per generation and shared by the threads that search it.

    saved = SavedByGeneration(Path("data/lexical"), lambda folder: load_from(folder))
    saved.save(generation, chunk_ids, lambda folder: write_into(folder))
    saved.current(generation)   # Loaded(generation, chunk_ids, value), or None when none of it is saved
"""
from __future__ import annotations

import json
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

IDS = "chunk_ids.json"  # written last: a folder holding it is complete


@dataclass
class Loaded:
    generation: int
    chunk_ids: list[str]
    value: Any


class SavedByGeneration:
    """One data folder's copies of an index, one subfolder per registry generation."""

    def __init__(self, folder: Path, load: Callable[[Path], Any]):
        self.folder = folder
        self._load = load
        self._loaded: Loaded | None = None
        self._lock = threading.Lock()

    def held(self, generation: int) -> bool:
        """Whether a copy of this registry generation is saved."""
        return (self.folder / str(generation) / IDS).exists()

    def save(self, generation: int, chunk_ids: list[str], write: Callable[[Path], None]) -> None:
        """``write`` the index into a scratch folder, add its chunk ids, rename it to the generation, and drop
        every other copy."""
        target, scratch = self.folder / str(generation), self.folder / f"{generation}.partial"
        shutil.rmtree(scratch, ignore_errors=True)
        scratch.mkdir(parents=True)
        write(scratch)
        (scratch / IDS).write_text(json.dumps(chunk_ids))
        shutil.rmtree(target, ignore_errors=True)
        scratch.rename(target)
        self.drop(keep=target.name)

    def drop(self, keep: str | None = None) -> None:
        """Remove the saved copies (all but the subfolder ``keep``)."""
        if self.folder.exists():
            for old in self.folder.iterdir():
                if old.name != keep:
                    shutil.rmtree(old, ignore_errors=True)

    def current(self, generation: int) -> Loaded | None:
        """The copy of this generation, loaded on first use; None when it is not saved, or was removed by a
        newer ingest while loading (the caller's fallback answers)."""
        loaded = self._loaded
        if loaded is not None and loaded.generation == generation:
            return loaded
        with self._lock:
            if self._loaded is None or self._loaded.generation != generation:
                self._loaded = None
                if self.held(generation):
                    folder = self.folder / str(generation)
                    try:
                        self._loaded = Loaded(generation, json.loads((folder / IDS).read_text()), self._load(folder))
                    except (OSError, ValueError):
                        self._loaded = None
            return self._loaded
