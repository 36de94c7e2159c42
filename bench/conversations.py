"""Follow-up questions in a conversation, checked like the dev sets: each turn's answer must hold its strings.

    python bench/conversations.py [--root /tmp/committee-dev-eval]

Conversations are in bench/conversations.jsonl ({"corpus", "turns": [{"q", "must"}]}); each corpus's newest
ingest under ROOT is reused (bench/fit_abstention.py's rule), else the corpus is ingested there. A turn
passes when it is answered (not abstained) and its answer holds every ``must`` string; the script prints
each turn and the share that pass.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def main() -> None:
    from fit_abstention import library_for

    from assistant.service import Assistant
    from committee.settings import Settings

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--root", type=Path, default=Path("/tmp/committee-dev-eval"))
    a = ap.parse_args()
    assistants: dict[str, Assistant] = {}
    passed = total = 0
    for line in (ROOT / "bench" / "conversations.jsonl").read_text().splitlines():
        talk = json.loads(line)
        corpus = talk["corpus"]
        if corpus not in assistants:
            assistants[corpus] = Assistant(Settings.from_env(data_dir=library_for(corpus, a.root)))
        history: list[str] = []
        for turn in talk["turns"]:
            answer = assistants[corpus].ask(turn["q"], history=history)
            ok = not answer.abstained and all(m.lower() in answer.answer.lower() for m in turn["must"])
            passed, total = passed + ok, total + 1
            print(f"{'pass' if ok else 'FAIL'}  {corpus:10}  {turn['q']}\n      {answer.answer[:160]!r}")
            history.append(turn["q"])
    print(f"{passed}/{total} turns pass ({100 * passed / max(1, total):.0f}%)")


if __name__ == "__main__":
    main()
