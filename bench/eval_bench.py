"""Quality and latency of committee on an eval question set, beside LlamaIndex's documented default pipeline.

    python bench/eval_bench.py [--pdfs ../shared/corpus_pdf] [--questions ../shared/eval/dev.jsonl] [--baseline]

Ingests the PDFs into a fresh library, answers every question in one warm process
(as `committee eval` does), scores with ../shared/eval/score.py, and reports query
latency (retrieval + extractive answer) p50/p95 in milliseconds. With --baseline it
also runs bench/llamaindex_baseline.py and prints both rows.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT))


def score(questions: Path, results: Path, pdfs: Path) -> dict:
    out = subprocess.run([sys.executable, str(SHARED / "eval" / "score.py"), str(questions), str(results),
                          "--pdfs", str(pdfs), "--json"], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pdfs", type=Path, default=SHARED / "corpus_pdf")
    ap.add_argument("--questions", type=Path, default=SHARED / "eval" / "dev.jsonl")
    ap.add_argument("--out-dir", type=Path, default=ROOT / "bench" / "results")
    ap.add_argument("--baseline", action="store_true", help="also run the LlamaIndex default pipeline")
    args = ap.parse_args()
    args.out_dir.mkdir(parents=True, exist_ok=True)
    from assistant.service import Assistant
    from committee.settings import Settings

    questions = [json.loads(line) for line in args.questions.read_text().splitlines() if line.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        assistant = Assistant(Settings.from_env(data_dir=Path(tmp)))
        assistant.library.ingest([args.pdfs])
        assistant.ask("warm up")
        latencies, results = [], args.out_dir / "committee.jsonl"
        with results.open("w") as fh:
            for q in questions:
                t0 = time.perf_counter()
                answer = assistant.ask(q["question"])
                latencies.append((time.perf_counter() - t0) * 1000)
                fh.write(json.dumps({"id": q["id"], **answer.to_json()}) + "\n")
    ours = score(args.questions, results, args.pdfs)
    latencies.sort()
    p95 = latencies[min(len(latencies) - 1, int(round(0.95 * (len(latencies) - 1))))]
    rows = [("committee", ours)]
    if args.baseline:
        subprocess.run([sys.executable, str(ROOT / "bench" / "llamaindex_baseline.py"), "--pdfs", str(args.pdfs),
                        "--questions", str(args.questions), "--out-dir", str(args.out_dir)], check=True,
                       capture_output=True)
        for name in ("vector", "fusion"):
            rows.append((f"llamaindex {name}", score(args.questions, args.out_dir / f"baseline-{name}.jsonl",
                                                      args.pdfs)))
    print(f"{'pipeline':22} evidence@5 page@5 answer abstain false_abstain")
    for name, s in rows:
        print(f"{name:22} {s['evidence@5']:>10} {s['page@5']:>6} {s['answer']:>6} {s['abstain']:>7} "
              f"{s['false_abstain']:>13}")
    print(f"latency ms (warm, retrieval + extractive answer): p50 {statistics.median(latencies):.0f}, p95 {p95:.0f}")


if __name__ == "__main__":
    main()
