"""Ingest benchmark: time, pages per second and peak memory for a folder of papers into an empty library.

    python bench/ingest_bench.py [--pdfs ../shared/corpus_pdf]
"""
from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pdfs", default=str(ROOT.parent / "shared" / "corpus_pdf"))
    args = ap.parse_args()
    from committee.settings import Settings
    from ingest.run import Library

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        library = Library(Settings.from_env(data_dir=Path(tmp)))
        library.vectors.embedder.embed(["warm up"])  # load the model outside the timed ingest
        load = time.perf_counter() - t0
        report = library.ingest([Path(args.pdfs)])
        again = library.ingest([Path(args.pdfs)])
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {"files": report.files, "pages": report.pages, "chunks": report.chunks, "failed": len(report.failed),
              "model_load_s": round(load, 1), "ingest_s": round(report.seconds, 1),
              "pages_per_s": round(report.pages / report.seconds, 1), "reingest_unchanged_s": round(again.seconds, 2),
              "peak_rss_mb": round(peak_mb)}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
