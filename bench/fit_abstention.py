"""Fit the abstention model (assistant/abstention.py) on the three dev sets, leave-one-publisher-out.

    python bench/fit_abstention.py [--root /tmp/committee-dev-eval] [--write]

Each corpus is ingested once under ROOT (or an existing ingest of it is reused); every dev question is
answered in process and its evidence recorded with its label (answerable or not). For each set held out,
a logistic regression fitted on the other two decides that set's questions: the held-out abstain and
false-abstain rates are what to expect on papers never seen. ``--write`` saves the model fitted on all
three to assistant/abstention_model.json.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared"
SETS = {"dev": "corpus_pdf", "dev_kent": "realdocs", "dev_real2": "realdocs2"}
C_CHOICES = (0.3, 1.0, 3.0, 10.0, 30.0)
FLOORS = (0.0, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5)


def library_for(corpus: str, root: Path) -> Path:
    from committee.settings import Settings
    from ingest.run import Library

    held = sorted((d for d in root.glob(f"{corpus}-*") if (d / ".ingested").exists()),
                  key=lambda d: d.stat().st_mtime)
    if held:
        return held[-1]
    data = root / f"{corpus}-fit"
    Library(Settings.from_env(data_dir=data)).ingest([SHARED / corpus])
    (data / ".ingested").write_text("ok")
    return data


def evidence_rows(root: Path) -> list[dict]:
    from assistant.abstention import FLAGS
    from assistant.service import Assistant
    from committee.settings import Settings

    rows = []
    for name, corpus in SETS.items():
        assistant = Assistant(Settings.from_env(data_dir=library_for(corpus, root)))
        for line in (SHARED / "eval" / f"{name}.jsonl").read_text().splitlines():
            q = json.loads(line)
            answer = assistant.ask(q["question"])
            rows.append({"set": name, "id": q["id"], "answerable": q["kind"] != "unanswerable",
                         "evidence": answer.evidence.vector(FLAGS), "coverage": answer.evidence.coverage,
                         "right": all(m.lower() in answer.answer.lower() for m in q.get("must_contain", []))})
    return rows


def fit(rows: list[dict], c: float = 1.0, flags: tuple[int, ...] | None = None):
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=c, class_weight="balanced", max_iter=1000)
    model.fit([pick(r, flags) for r in rows], [r["answerable"] for r in rows])
    return model


def pick(row: dict, flags: tuple[int, ...] | None) -> list[float]:
    return row["evidence"] if flags is None else [row["evidence"][i] for i in flags]


def rates(model, rows: list[dict], floor: float, threshold: float = 0.5,
          flags: tuple[int, ...] | None = None) -> tuple[float, float]:
    """(abstain on unanswerable, false abstain on answerable), in percent."""
    chance = model.predict_proba([pick(r, flags) for r in rows])[:, 1]
    gone = [c < threshold or r["coverage"] < floor for c, r in zip(chance, rows)]
    un = [g for g, r in zip(gone, rows) if not r["answerable"]]
    ans = [g for g, r in zip(gone, rows) if r["answerable"]]
    return 100 * sum(un) / max(1, len(un)), 100 * sum(ans) / max(1, len(ans))


def held_out(rows: list[dict], flags: tuple[int, ...]) -> list[tuple[float, float, float, list]]:
    """For each C and floor: (mean over held-out sets of abstain minus false abstain, C, floor, per set)."""
    results = []
    for c in C_CHOICES:  # regularisation and floor chosen by the held-out figures, never the in-sample ones
        for floor in FLOORS:
            per_set = []
            for held in SETS:
                model = fit([r for r in rows if r["set"] != held], c, flags)
                per_set.append(rates(model, [r for r in rows if r["set"] == held], floor, flags=flags))
            results.append((sum(ab - fa for ab, fa in per_set) / len(per_set), c, floor, per_set))
    return results


def choose_flags(rows: list[dict], names: tuple[str, ...]) -> tuple[int, ...]:
    """Backward elimination by the held-out figures: drop the flag whose removal most raises the best held-out
    mean, while one does. A flag weighed from two publishers' questions can make the third publisher's
    decisions worse; it goes (what it flags still counts in ``missing``)."""
    kept = tuple(range(len(names)))
    best = max(r[0] for r in held_out(rows, kept))
    while len(kept) > 1:
        trials = [(max(r[0] for r in held_out(rows, tuple(i for i in kept if i != drop))), drop) for drop in kept]
        gain, drop = max(trials)
        if gain <= best:
            break
        print(f"dropped {names[drop]}: held-out mean {best:.1f} -> {gain:.1f}")
        best, kept = gain, tuple(i for i in kept if i != drop)
    return kept


def main() -> None:
    from assistant.abstention import FLAGS, MODEL_PATH

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--root", type=Path, default=Path("/tmp/committee-dev-eval"))
    ap.add_argument("--write", action="store_true")
    ap.add_argument("--reuse", action="store_true", help="Read the evidence rows from --cache.")
    ap.add_argument("--cache", type=Path, default=None, help="Also save the evidence rows here (JSON).")
    a = ap.parse_args()
    rows = json.loads(a.cache.read_text()) if a.cache and a.reuse else evidence_rows(a.root)
    if a.cache:
        a.cache.write_text(json.dumps(rows))
    flags = choose_flags(rows, FLAGS)
    results = held_out(rows, flags)
    top = max(r[0] for r in results)
    # within one held-out question of the best, the highest floor: when little of the question is found, say so
    one = max(100 / sum(r["set"] == s and r["answerable"] for r in rows) for s in SETS) / len(SETS)
    gain, c, floor, per_set = max((r for r in results if r[0] >= top - one), key=lambda r: (r[2], r[0]))
    print(f"flags: {', '.join(FLAGS[i] for i in flags)}")
    print(f"chosen C = {c}, coverage floor = {floor} (held-out mean of abstain minus false abstain {gain:.1f})")
    print("| held out | abstain | false abstain |\n|---|---:|---:|")
    for held, (ab, fa) in zip(SETS, per_set):
        print(f"| {held} | {ab:.1f} | {fa:.1f} |")
    model = fit(rows, c, flags)
    print("| all (in sample) | %.1f | %.1f |" % rates(model, rows, floor, flags=flags))
    weights = {FLAGS[i]: round(float(w), 4) for i, w in zip(flags, model.coef_[0])}
    print(json.dumps(weights, indent=1), "bias", round(float(model.intercept_[0]), 4))
    if a.write:
        MODEL_PATH.write_text(json.dumps({"weights": weights, "bias": round(float(model.intercept_[0]), 4),
                                          "threshold": 0.5, "floor": floor, "fitted_on": "dev, dev_kent, dev_real2 "
                                          f"(bench/fit_abstention.py, balanced logistic regression, C={c})"},
                                         indent=1) + "\n")


if __name__ == "__main__":
    main()
