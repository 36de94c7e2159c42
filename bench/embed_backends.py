"""Embedding backends on this CPU: speed and agreement with the current torch embedder.

    python bench/embed_backends.py --data /tmp/embexp/data \\
        [--onnx-python /tmp/onnxenv/bin/python] [--openvino-python /tmp/ovenv/bin/python] \\
        [--models /tmp/embexp/models] [--questions ../shared/eval/dev.jsonl] [--only torch-bs32,ort-int8]

Reads the chunks of an ingested library (the text the model embeds, from
ingest.run.embedding_text), exports the bundled all-MiniLM-L6-v2 once to ONNX
(fp32, O2-optimised, dynamic int8) and OpenVINO under --models, then runs each
backend in a fresh process: import and load time, one warm-up batch, the time to
embed every chunk, and the median time to embed one question. Quality is the
cosine of each backend's chunk vectors with the torch ones and the overlap of the
top-5 chunks per dev question with torch's top-5. A backend whose packages are
missing is skipped with a line saying so. Writes bench/results/embed_backends.md.

The sentence-transformers ONNX/OpenVINO backends need optimum-onnx / optimum-intel,
which pin other transformers versions than the product's, so run them with a venv's
python (--onnx-python, --openvino-python); the "ort-*" backends use only onnxruntime
and tokenizers, which the product already has, and run with this python.
"""
from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

THREADS = 2
MAX_LEN = 256  # sentence_bert_config.json max_seq_length (tokenizer.json itself says 128: override it)

# name: (which python, kind, options)
BACKENDS: dict[str, tuple[str, str, dict]] = {
    "torch-bs32": ("main", "torch", {"batch": 32}),
    "torch-bs16": ("main", "torch", {"batch": 16}),
    "torch-bs64": ("main", "torch", {"batch": 64}),
    "torch-bs32-default-threads": ("main", "torch", {"batch": 32, "threads": None}),
    "torch-bs32-unsorted": ("main", "torch", {"batch": 32, "unsorted": True}),
    "st-onnx-fp32": ("onnx", "st-onnx", {"batch": 32, "file": "onnx/model.onnx"}),
    "st-onnx-int8-avx2": ("onnx", "st-onnx", {"batch": 32, "file": "onnx/model_quint8_avx2.onnx"}),
    "st-onnx-int8-avx512_vnni": ("onnx", "st-onnx", {"batch": 32, "file": "onnx/model_qint8_avx512_vnni.onnx"}),
    "ort-fp32": ("main", "ort", {"batch": 32, "file": "onnx/model.onnx"}),
    "ort-O2": ("main", "ort", {"batch": 32, "file": "onnx/model_O2.onnx"}),
    "ort-int8-avx2": ("main", "ort", {"batch": 32, "file": "onnx/model_quint8_avx2.onnx"}),
    "ort-int8-u8-reduce-range": ("main", "ort", {"batch": 32, "file": "onnx/model_rr_pc_u8.onnx"}),
    "ort-int8-avx2-unsorted": ("main", "ort", {"batch": 32, "file": "onnx/model_quint8_avx2.onnx",
                                               "unsorted": True}),
    "openvino-fp32": ("openvino", "st-openvino", {"batch": 32, "folder": "st-openvino"}),
    "openvino-int8-weights": ("openvino", "st-openvino", {"batch": 32, "folder": "st-openvino-int8w"}),
    # the product's own encoders (index/encoders.py), as ingest runs them
    "committee-openvino": ("main", "product", {"batch": 4, "backend": "openvino"}),
    "committee-torch-bf16": ("main", "product", {"batch": 32, "backend": "torch-bf16"}),
    "committee-onnx": ("main", "product", {"batch": 32, "backend": "onnx"}),
}


def cpu_flags() -> set[str]:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("flags"):
                return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


# ---------------------------------------------------------------- the texts


def load_texts(data: Path) -> tuple[list[str], list[str]]:
    """(chunk ids, texts the model embeds) of every chunk in the library's registry."""
    db = next((p for p in (data / "registry.sqlite", *data.glob("*.sqlite"), *data.glob("*.db")) if p.exists()), None)
    if db is None:
        sys.exit(f"no registry (.sqlite/.db) under {data}: ingest something first")
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    rows = con.execute("SELECT c.chunk_id, c.text, c.item_title, c.section, d.title FROM chunks c "
                       "JOIN documents d ON d.doc_id = c.doc_id ORDER BY c.doc_id, c.ordinal").fetchall()
    from committee.settings import Settings
    from ingest.chunker import TokenCounter

    count = TokenCounter(Settings().embedding_model)
    try:
        from ingest.prepare import embedding_text
    except Exception as exc:  # the product's function is the reference; this copy only if it can't import here
        print(f"note: ingest.run.embedding_text not importable ({exc.__class__.__name__}); using a copy")

        def embedding_text(paper, chunk, count):
            header = " · ".join(x for x in (chunk.item_title or paper.title, chunk.section) if x)
            words = header.split()
            while words and count(" ".join(words)) > 40:
                words = words[:-1]
            return f"{' '.join(words)}\n{chunk.text}"
    texts = [embedding_text(SimpleNamespace(title=r["title"]),
                            SimpleNamespace(text=r["text"], item_title=r["item_title"], section=r["section"]), count)
             for r in rows]
    return [r["chunk_id"] for r in rows], texts


def word_pieces(model_path: str, texts: list[str]) -> list[int]:
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(Path(model_path) / "tokenizer.json"))
    tok.enable_truncation(MAX_LEN)
    tok.no_padding()
    return [len(e.ids) for e in tok.encode_batch(texts)]


# ---------------------------------------------------------------- export (once)


def export_onnx(model_path: str, models: Path) -> None:
    """ONNX fp32 + O2 + dynamic int8 via sentence-transformers/optimum from the local folder (no hub)."""
    from sentence_transformers import (
        SentenceTransformer,
        export_dynamic_quantized_onnx_model,
        export_optimized_onnx_model,
    )

    folder = models / "st-onnx"
    if not (folder / "onnx" / "model.onnx").exists():
        t = time.perf_counter()
        model = SentenceTransformer(model_path, device="cpu", backend="onnx")  # exports (optimum) in memory
        model.save_pretrained(str(folder))  # writes onnx/model.onnx + tokenizer + pooling configs
        print(f"exported ONNX fp32 in {time.perf_counter() - t:.1f} s -> {folder}")
    model = SentenceTransformer(str(folder), device="cpu", backend="onnx")
    if not (folder / "onnx" / "model_O2.onnx").exists():
        export_optimized_onnx_model(model, "O2", str(folder))
        print("exported onnx/model_O2.onnx")
    configs = ["avx2"] + (["avx512_vnni"] if "avx512_vnni" in cpu_flags() else [])
    for config in configs:
        name = {"avx2": "model_quint8_avx2.onnx", "avx512_vnni": "model_qint8_avx512_vnni.onnx"}[config]
        if not (folder / "onnx" / name).exists():
            export_dynamic_quantized_onnx_model(model, config, str(folder))
            print(f"exported onnx/{name}")
    if "avx512_vnni" not in cpu_flags():
        print("skip: avx512_vnni quantisation (this CPU has no avx512_vnni flag)")
    rr = folder / "onnx" / "model_rr_pc_u8.onnx"
    if not rr.exists():  # 7-bit range avoids VPMADDUBSW saturation on AVX2: a little closer to fp32
        from onnxruntime.quantization import QuantType, quantize_dynamic

        quantize_dynamic(folder / "onnx" / "model.onnx", rr, weight_type=QuantType.QUInt8, per_channel=True,
                         reduce_range=True, extra_options={"MatMulConstBOnly": True})
        print(f"exported {rr.name}")


def export_openvino(model_path: str, models: Path) -> None:
    from sentence_transformers import SentenceTransformer

    folder = models / "st-openvino"
    if not (folder / "openvino" / "openvino_model.xml").exists():
        t = time.perf_counter()
        SentenceTransformer(model_path, device="cpu", backend="openvino").save_pretrained(str(folder))
        print(f"exported OpenVINO fp32 in {time.perf_counter() - t:.1f} s -> {folder}")
    folder8 = models / "st-openvino-int8w"
    if not (folder8 / "openvino" / "openvino_model.xml").exists():
        # weight-only int8 (needs no calibration data set, which would come from a hub)
        from optimum.intel import OVWeightQuantizationConfig

        SentenceTransformer(model_path, device="cpu", backend="openvino",
                            model_kwargs={"quantization_config": OVWeightQuantizationConfig(bits=8)}
                            ).save_pretrained(str(folder8))
        print(f"exported OpenVINO int8 weights -> {folder8}")


# ---------------------------------------------------------------- a worker: one backend, one fresh process


def _ort_encoder(path: Path, tokenizer_dir: Path, batch: int, unsorted: bool):
    """Plain onnxruntime + tokenizers: mean pooling over the mask, then L2 normalisation (what the
    sentence-transformers modules.json of all-MiniLM-L6-v2 does)."""
    import numpy as np
    import onnxruntime as ort
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(tokenizer_dir / "tokenizer.json"))
    tok.enable_truncation(MAX_LEN)  # the file says 128 and pads to a fixed 128: override both
    tok.enable_padding(pad_id=0, pad_token="[PAD]")  # pad to the longest in the batch
    so = ort.SessionOptions()
    so.intra_op_num_threads = THREADS
    so.inter_op_num_threads = 1
    sess = ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])
    names = {i.name for i in sess.get_inputs()}

    def encode(texts: list[str]):
        order = list(range(len(texts))) if unsorted else sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        out = np.empty((len(texts), 384), dtype=np.float32)
        for s in range(0, len(texts), batch):
            idx = order[s:s + batch]
            enc = tok.encode_batch([texts[i] for i in idx])
            ids = np.array([e.ids for e in enc], dtype=np.int64)
            mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
            feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            hidden = sess.run(None, {k: v for k, v in feeds.items() if k in names})[0]
            m = mask[..., None].astype(np.float32)
            vec = (hidden * m).sum(1) / np.clip(m.sum(1), 1e-9, None)
            out[idx] = vec / np.linalg.norm(vec, axis=1, keepdims=True).clip(1e-12)
        return out
    return encode


def worker(name: str, model_path: str, models: Path, work: Path) -> None:
    import statistics

    _, kind, opt = BACKENDS[name]
    texts = json.loads((work / "texts.json").read_text())
    queries = json.loads((work / "queries.json").read_text())
    batch = opt["batch"]
    load_avg = os.getloadavg()[0]
    t0 = time.perf_counter()
    try:
        if kind == "torch":
            import torch
            from sentence_transformers import SentenceTransformer
        elif kind in ("st-onnx", "st-openvino"):
            from sentence_transformers import SentenceTransformer
            if kind == "st-onnx":
                import onnxruntime  # noqa: F401
                import optimum.onnxruntime  # noqa: F401
            else:
                import openvino  # noqa: F401
                import optimum.intel  # noqa: F401
        elif kind == "product":
            from index.encoders import load_encoder
        else:
            import numpy  # noqa: F401
            import onnxruntime  # noqa: F401
            import tokenizers  # noqa: F401
    except Exception as exc:
        print(json.dumps({"skip": f"{exc.__class__.__name__}: {exc}"}))
        return
    t_import = time.perf_counter() - t0
    info: dict = {}
    t1 = time.perf_counter()
    if kind == "torch":
        threads = opt.get("threads", THREADS)
        if threads:
            torch.set_num_threads(threads)
        info["torch_threads"] = torch.get_num_threads()
        model = SentenceTransformer(model_path, device="cpu")
    elif kind == "st-onnx":
        file = models / "st-onnx" / opt["file"]
        if not file.exists():
            print(json.dumps({"skip": f"{file} not exported"}))
            return
        import onnxruntime as ort

        so = ort.SessionOptions()
        so.intra_op_num_threads = THREADS
        model = SentenceTransformer(str(models / "st-onnx"), device="cpu", backend="onnx",
                                    model_kwargs={"file_name": opt["file"], "session_options": so,
                                                  "provider": "CPUExecutionProvider"})
    elif kind == "st-openvino":
        folder = models / opt["folder"]
        if not (folder / "openvino" / "openvino_model.xml").exists():
            print(json.dumps({"skip": f"{folder} not exported"}))
            return
        model = SentenceTransformer(str(folder), device="cpu", backend="openvino",
                                    model_kwargs={"ov_config": {"INFERENCE_NUM_THREADS": THREADS}})
    if kind == "product":
        encoder = load_encoder(model_path, opt["backend"], models / "product", THREADS)
        info["encoder"] = type(encoder).__name__
        encode = encoder.encode
    elif kind == "ort":
        file = models / "st-onnx" / opt["file"]
        if not file.exists():
            print(json.dumps({"skip": f"{file} not exported"}))
            return
        encode = _ort_encoder(file, models / "st-onnx", batch, opt.get("unsorted", False))
    else:
        def encode(xs: list[str]):
            if opt.get("unsorted"):  # sentence-transformers sorts by length inside encode(); defeat it
                import numpy as np
                return np.concatenate([model.encode(xs[s:s + batch], batch_size=batch, normalize_embeddings=True,
                                                    convert_to_numpy=True, show_progress_bar=False)
                                       for s in range(0, len(xs), batch)])
            return model.encode(xs, batch_size=batch, normalize_embeddings=True, convert_to_numpy=True,
                                show_progress_bar=False)
    t_load = time.perf_counter() - t1
    encode(texts[:batch])  # warm-up batch
    t2 = time.perf_counter()
    vectors = encode(texts)
    t_all = time.perf_counter() - t2
    per_query = []
    for q in queries:
        t = time.perf_counter()
        qv = encode([q])
        per_query.append(time.perf_counter() - t)
    import numpy as np

    query_vectors = encode(queries)
    np.save(work / f"{name}.docs.npy", np.asarray(vectors, dtype=np.float32))
    np.save(work / f"{name}.queries.npy", np.asarray(query_vectors, dtype=np.float32))
    del qv
    versions = {}
    for mod in ("torch", "transformers", "sentence_transformers", "onnxruntime", "optimum", "openvino"):
        if mod in sys.modules:
            versions[mod] = getattr(sys.modules[mod], "__version__", "?")
    print(json.dumps({"import_s": t_import, "load_s": t_load, "embed_s": t_all,
                      "query_ms": 1000 * statistics.median(per_query),
                      "load_avg": load_avg, "versions": versions, **info}))


# ---------------------------------------------------------------- the parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, help="an ingested data folder (registry.sqlite)")
    ap.add_argument("--models", default=None, help="where exported models go (default DATA/embed_models)")
    ap.add_argument("--questions", default=str(ROOT.parent / "shared" / "eval" / "dev.jsonl"))
    ap.add_argument("--onnx-python", default=sys.executable, help="python with optimum-onnx + onnxruntime")
    ap.add_argument("--openvino-python", default=sys.executable, help="python with optimum-intel[openvino]")
    ap.add_argument("--only", default="", help="comma-separated backend names (torch-bs32 is always run)")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "embed_backends.md"))
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--export", help=argparse.SUPPRESS)
    ap.add_argument("--work", help=argparse.SUPPRESS)
    args = ap.parse_args()

    from committee.settings import Settings

    model_path = str(Settings().embedding_model)
    data = Path(args.data)
    models = Path(args.models) if args.models else data / "embed_models"
    if args.export:
        try:
            (export_onnx if args.export == "onnx" else export_openvino)(model_path, models)
        except ImportError as exc:
            print(f"skip: {args.export} export: {exc}")
        return
    if args.worker:
        worker(args.worker, model_path, models, Path(args.work))
        return

    import numpy as np

    ids, texts = load_texts(data)
    questions = [json.loads(line)["question"] for line in Path(args.questions).read_text().splitlines()
                 if line.strip()]
    pieces = word_pieces(model_path, texts)
    work = models / "work"
    work.mkdir(parents=True, exist_ok=True)
    (work / "texts.json").write_text(json.dumps(texts))
    (work / "queries.json").write_text(json.dumps(questions))
    print(f"{len(texts)} chunks, {sum(pieces)} word pieces (mean {sum(pieces) / len(texts):.0f}, max {max(pieces)}); "
          f"{len(questions)} questions; CPU flags: "
          f"{' '.join(f for f in ('avx2', 'avx512f', 'avx512_vnni', 'avx_vnni', 'amx_tile') if f in cpu_flags())}")

    pythons = {"main": sys.executable, "onnx": args.onnx_python, "openvino": args.openvino_python}
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    wanted = [n for n in BACKENDS if not args.only or n == "torch-bs32" or n in args.only.split(",")]
    needs = {BACKENDS[n][0] for n in wanted} | {"onnx" for n in wanted if BACKENDS[n][1] == "ort"}
    for which in ("onnx", "openvino"):
        if which in needs:
            out = subprocess.run([pythons[which], __file__, "--data", str(data), "--models", str(models),
                                  "--export", which], capture_output=True, text=True, env=env)
            print("\n".join(line for line in out.stdout.splitlines() if line.strip()) or f"{which} export: done")
            if out.returncode:
                print(f"{which} export failed: {out.stderr.strip().splitlines()[-1:]}")

    results: dict[str, dict] = {}
    for name in wanted:
        python = pythons[BACKENDS[name][0]]
        out = subprocess.run([python, __file__, "--data", str(data), "--models", str(models), "--worker", name,
                              "--work", str(work)], capture_output=True, text=True, env=env)
        lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
        if out.returncode or not lines:
            print(f"skip: {name}: failed: {(out.stderr.strip().splitlines() or ['?'])[-1]}")
            continue
        res = json.loads(lines[-1])
        if "skip" in res:
            print(f"skip: {name}: {res['skip']}")
            continue
        results[name] = res
        print(f"{name}: load {res['load_s']:.2f} s, {len(texts) / res['embed_s']:.1f} texts/s", flush=True)

    if "torch-bs32" not in results:
        sys.exit("the torch reference did not run")
    ref_d = np.load(work / "torch-bs32.docs.npy")
    ref_q = np.load(work / "torch-bs32.queries.npy")
    ref_top = np.argsort(-(ref_q @ ref_d.T), axis=1)[:, :5]
    rows = []
    for name, res in results.items():
        d = np.load(work / f"{name}.docs.npy")
        q = np.load(work / f"{name}.queries.npy")
        cos = (d * ref_d).sum(1) / (np.linalg.norm(d, axis=1) * np.linalg.norm(ref_d, axis=1))
        top = np.argsort(-(q @ d.T), axis=1)[:, :5]
        overlap = np.mean([len(set(a) & set(b)) / 5 for a, b in zip(top, ref_top)])
        rows.append((name, res, float(cos.mean()), float(cos.min()), float(overlap)))
    base = results["torch-bs32"]["embed_s"]
    lines = [f"# Embedding backends on this CPU ({os.cpu_count()} cores, {THREADS} threads)", "",
             f"{len(texts)} chunks ({sum(pieces)} word pieces, mean {sum(pieces) / len(texts):.0f}) from `{data}`, "
             f"{len(questions)} questions from `{Path(args.questions).name}`. One warm-up batch, then one timed "
             "pass over every chunk, each backend in a fresh process. Reference: torch, batch 32.", "",
             "| backend | import s | load s | texts/s | word pieces/s | speed-up | query ms | cos mean | cos min "
             "| top-5 overlap | load avg |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name, res, cmean, cmin, ov in rows:
        lines.append(f"| {name} | {res['import_s']:.2f} | {res['load_s']:.2f} | {len(texts) / res['embed_s']:.1f} | "
                     f"{sum(pieces) / res['embed_s']:,.0f} | {base / res['embed_s']:.2f}× | {res['query_ms']:.1f} | "
                     f"{cmean:.5f} | {cmin:.5f} | {ov:.3f} | {res['load_avg']:.1f} |")
    lines += ["", "Versions per backend process:", ""]
    for name, res in results.items():
        extra = f", torch threads {res['torch_threads']}" if "torch_threads" in res else ""
        extra += f", encoder {res['encoder']}" if "encoder" in res else ""
        lines.append(f"- {name}: " + ", ".join(f"{k} {v}" for k, v in res["versions"].items()) + extra)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
