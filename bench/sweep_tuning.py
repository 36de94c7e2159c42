"""Each weight of assistant/tuning.py at half and one and a half times its value, on the three dev sets.

    python bench/sweep_tuning.py --root /tmp/committee-dev-eval [--names RUNNER_UP,WHO_BONUS] [--out FILE]

ROOT holds one ingested library per corpus (``corpus_pdf-*``, ``realdocs-*``, ``realdocs2-*``, as
bench/fit_abstention.py finds them). Every setting is answered in a fresh process (a default argument is
bound when its module is imported), and printed as its change from the current values per set: evidence@5,
answer, abstain, false abstain, answer in the first 300 characters. A value is worth taking only when it
raises one set and lowers none — a gain on the set it was tried on that costs another is the dev set talking.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SETS = {"dev": "corpus_pdf", "dev_kent": "realdocs", "dev_real2": "realdocs2"}
KEYS = ("evidence@5", "answer", "abstain", "false_abstain", "answer_first300")
SWEPT = ("SIMILARITY_WEIGHT", "LEXICAL_WEIGHT", "CONTEXT_WEIGHT", "KIND_BONUS", "PLACE_TIME_BONUS", "WHO_BONUS",
         "HEADING_PENALTY", "SHORT_PENALTY", "RANK_AGREEMENT", "RUNNER_UP", "SECOND_PASSAGE", "COVERAGE_WEIGHT",
         "COSINE_WEIGHT", "ITEM_MATCH", "DATE_MATCH", "BODY_MATCH", "FIGURE_COVERAGE", "REGISTER_MATCH")


def run_one(root: Path, overrides: dict[str, float]) -> dict[str, dict]:
    """Scores of the three sets with ``overrides`` set on assistant.tuning before anything reads it."""
    sys.path.insert(0, str(ROOT))
    from assistant import tuning as T

    for name, value in overrides.items():
        setattr(T, name, type(getattr(T, name))(value))
    sys.path.insert(0, str(ROOT / "bench"))
    from fit_abstention import library_for

    from assistant.service import Assistant
    from committee.settings import Settings

    scores = {}
    for name, corpus in SETS.items():
        assistant = Assistant(Settings.from_env(data_dir=library_for(corpus, root)))
        questions = SHARED / "eval" / f"{name}.jsonl"
        out = root / f"sweep-{name}.jsonl"
        with out.open("w") as fh:
            for line in questions.read_text().splitlines():
                q = json.loads(line)
                fh.write(json.dumps({"id": q["id"], **assistant.ask(q["question"]).to_json()}) + "\n")
        run = [sys.executable, str(SHARED / "eval" / "score.py"), str(questions), str(out), "--pdfs",
               str(SHARED / corpus), "--json"]
        scores[name] = json.loads(subprocess.run(run, capture_output=True, text=True).stdout.strip().splitlines()[-1])
        first = [sys.executable, str(SHARED / "eval" / "answer_first.py"), str(questions), str(out)]
        scores[name].update(json.loads(subprocess.run(first, capture_output=True, text=True).stdout))
    return scores


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--root", type=Path, default=Path("/tmp/committee-dev-eval"))
    ap.add_argument("--names", default=",".join(SWEPT))
    ap.add_argument("--one", default=None, help=argparse.SUPPRESS)  # a child process: NAME=VALUE or "base"
    ap.add_argument("--out", type=Path, default=None)
    a = ap.parse_args()
    if a.one is not None:
        overrides = {} if a.one == "base" else {a.one.split("=")[0]: float(a.one.split("=")[1])}
        print(json.dumps(run_one(a.root, overrides)))
        return
    sys.path.insert(0, str(ROOT))
    from assistant import tuning as T

    def child(setting: str) -> dict:
        out = subprocess.run([sys.executable, __file__, "--root", str(a.root), "--one", setting],
                             capture_output=True, text=True, check=True, cwd=ROOT)
        return json.loads(out.stdout.strip().splitlines()[-1])

    base = child("base")
    lines = [f"| setting | {' | '.join(SETS)} |", "|---|" + "---|" * len(SETS),
             "| current | " + " | ".join(", ".join(f"{base[s][k]:.1f}" for k in KEYS) for s in SETS) + " |"]
    print("\n".join(lines), flush=True)
    for name in a.names.split(","):
        for factor in (0.5, 1.5):
            value = round(getattr(T, name) * factor, 4)
            got = child(f"{name}={value}")
            row = f"| {name} = {value} | " + " | ".join(
                ", ".join(f"{got[s][k] - base[s][k]:+.0f}" for k in KEYS) for s in SETS) + " |"
            lines.append(row)
            print(row, flush=True)
    if a.out:
        a.out.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
