"""Sentence encoders behind the embedding: sentence-transformers on torch, or the same model run by OpenVINO or
onnxruntime.

Embedding is most of an ingest's time, so the backend matters; the measurements behind these choices are in
bench/results/embed_backends*.md and bench/results/scale.md (bench/embed_backends.py, bench/scale_bench.py).

- ``openvino``: the exported ONNX model compiled by OpenVINO (bfloat16 where the CPU has it natively), small
  batches on one stream per core: the fastest for ingest, vectors within rounding of float32.
- ``torch-bf16``: torch with bfloat16 autocast: fast only where the CPU has native bfloat16.
- ``onnx``: the float32 model run by onnxruntime: the same vectors as torch, quick to start. The ONNX file is
  exported once from the local model folder (no hub) and kept under the data folder's ``models/``.
- ``onnx-int8``: a quantised copy; faster, but the vectors move and answers suffer, so it is opt-in only.
- ``torch``: plain float32 sentence-transformers, the reference.
- ``auto`` (default): ``openvino`` when the package imports, else ``torch-bf16`` where the CPU has native
  bfloat16, ``onnx`` elsewhere.

Questions and answer sentences are embedded at query time by ``query_backend``'s choice (onnx in place of
openvino and torch-bf16): a few short texts take milliseconds, and float32 keeps them exact.

Only models with mean pooling and normalisation (all-MiniLM-L6-v2 and its kind) run on OpenVINO or
onnxruntime; any other model, or any failure to export, falls back to torch with a warning.
"""
from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import os
import tempfile
import warnings
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

log = logging.getLogger("committee.encoders")
BACKENDS = ("auto", "openvino", "torch-bf16", "onnx", "onnx-int8", "torch")


Span = tuple[int, int]  # characters [start, end) of an embedded text


class PooledEncoder:
    """Tokenise, run the transformer in batches of similar length, mean-pool: what sentence-transformers does
    for all-MiniLM-L6-v2, written once so that one pass can also pool the tokens of given spans.

    Pooling a span of a passage's tokens gives its sentences vectors "in context" (late chunking) at no
    extra model cost, which is what lets answers choose sentences without embedding them at query time."""

    batch_size = 32
    pad_to = 1

    def __init__(self, model_path: str):
        from tokenizers import Tokenizer

        folder = Path(model_path)
        config = json.loads((folder / "sentence_bert_config.json").read_text())
        self.max_tokens = int(config.get("max_seq_length", 256))
        self._tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._tokenizer.no_padding()  # the bundled tokenizer pads and cuts at 128 by default

    def _hidden(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """The transformer's last hidden state, float32 (batch, tokens, dim)."""
        raise NotImplementedError

    def encode(self, texts: list[str], max_tokens: int | None = None) -> np.ndarray:
        """Normalised mean-pooled vectors of whole texts (up to ``max_tokens`` word pieces each)."""
        return self.encode_with_spans(texts, None, max_tokens)[0]

    def encode_with_spans(self, texts: list[str], spans: list[list[Span]] | None,
                          max_tokens: int | None = None) -> tuple[np.ndarray, list[np.ndarray]]:
        """The texts' vectors and, for each text, one normalised vector per span: the mean of the tokens
        inside it (a span past the last token read gets a zero vector). Texts are batched by length so
        padding stays small."""
        self._tokenizer.enable_truncation(min(self.max_tokens, max_tokens or self.max_tokens))
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out: np.ndarray | None = None
        span_vectors: list[np.ndarray] = [np.zeros((0, 0), dtype=np.float32)] * len(texts)

        def batches() -> Iterator[tuple[list[int], list, np.ndarray, np.ndarray]]:  # tokenised as they are needed
            for start in range(0, len(order), self.batch_size):
                rows = order[start:start + self.batch_size]
                encoded = self._tokenizer.encode_batch([texts[i] for i in rows])
                yield (rows, encoded, *_padded(encoded, self.pad_to))

        for (rows, encoded, _, mask), hidden in self._hidden_batches(batches()):
            vectors = _normalised((hidden * mask[..., None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1))
            if out is None:
                out = np.empty((len(texts), vectors.shape[1]), dtype=np.float32)
            out[rows] = vectors
            if spans is not None:
                for row, (i, e) in enumerate(zip(rows, encoded)):
                    span_vectors[i] = _pooled_spans(hidden[row, :len(e.ids)], e.offsets, e.special_tokens_mask, spans[i])
        if out is None:
            return np.zeros((0, 0), dtype=np.float32), []
        return out, span_vectors

    def _hidden_batches(self, batches: Iterator[tuple]) -> Iterator[tuple[tuple, np.ndarray]]:
        """Each batch (whose last two fields are ids and mask) with its hidden states, in order; a backend that
        can run several batches at once overrides this."""
        for batch in batches:
            yield batch, self._hidden(*batch[-2:])


def _padded(encoded, multiple: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Token ids and attention mask of a batch of encodings, zero-padded to the longest (rounded up to a
    ``multiple``: a compiled model reuses its kernels for a width it has seen)."""
    width = -(-max(len(e.ids) for e in encoded) // multiple) * multiple
    ids = np.zeros((len(encoded), width), dtype=np.int64)
    mask = np.zeros_like(ids)
    for row, e in enumerate(encoded):
        ids[row, :len(e.ids)] = e.ids
        mask[row, :len(e.ids)] = 1
    return ids, mask


def _inputs(ids: np.ndarray, mask: np.ndarray) -> dict:
    """The exported model's inputs for a padded batch (one segment: token types all 0)."""
    return {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}


def _normalised(vectors: np.ndarray) -> np.ndarray:
    return (vectors / np.maximum(np.linalg.norm(vectors, axis=-1, keepdims=True), 1e-12)).astype(np.float32)


def _pooled_spans(hidden: np.ndarray, offsets: list[Span], special: list[int], spans: list[Span]) -> np.ndarray:
    """One normalised mean vector per span, of the (non-special) tokens that overlap it."""
    if not spans:
        return np.zeros((0, hidden.shape[-1]), dtype=np.float32)
    tokens = np.asarray(offsets).reshape(-1, 2)
    starts, ends = tokens[:, 0], tokens[:, 1]
    real = (np.asarray(special) == 0) & (ends > starts)
    bounds = np.asarray(spans).reshape(-1, 2)
    inside = real & (starts < bounds[:, 1:2]) & (ends > bounds[:, 0:1])  # (spans, tokens)
    sums = inside.astype(np.float32) @ hidden.astype(np.float32, copy=False)
    return _normalised(sums / np.maximum(inside.sum(1, keepdims=True), 1))


class TorchEncoder(PooledEncoder):
    """The model on torch (as sentence-transformers loads it); ``bfloat16`` runs it under bfloat16 autocast.

    A model that is not transformer → mean pooling → normalise is left to sentence-transformers'
    own ``encode`` (and its sentences get no vectors at ingest)."""

    def __init__(self, model_path: str, threads: int | None = None, bfloat16: bool = False):
        import torch
        from sentence_transformers import SentenceTransformer

        if threads:
            torch.set_num_threads(threads)
        self._torch = torch
        self.bfloat16 = bfloat16
        self._sentence_transformer = SentenceTransformer(str(model_path), device="cpu")
        self._pools_means = mean_pooled(Path(model_path))
        if self._pools_means:
            super().__init__(model_path)
            self._model = self._sentence_transformer[0].auto_model.eval()
        else:
            self.max_tokens = self._sentence_transformer.max_seq_length

    def encode_with_spans(self, texts: list[str], spans: list[list[Span]] | None,
                          max_tokens: int | None = None) -> tuple[np.ndarray, list[np.ndarray]]:
        if self._pools_means:
            return super().encode_with_spans(texts, spans, max_tokens)
        model, limit = self._sentence_transformer, self._sentence_transformer.max_seq_length
        model.max_seq_length = min(limit, max_tokens or limit)
        try:
            with self._torch.autocast("cpu", dtype=self._torch.bfloat16, enabled=self.bfloat16):
                vectors = model.encode(texts, batch_size=self.batch_size, normalize_embeddings=True,
                                       convert_to_numpy=True, show_progress_bar=False)
        finally:
            model.max_seq_length = limit
        return vectors.astype(np.float32, copy=False), [np.zeros((0, 0), dtype=np.float32)] * len(texts)

    def _hidden(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        torch = self._torch
        with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=self.bfloat16):
            ids_t = torch.from_numpy(ids)
            hidden = self._model(input_ids=ids_t, attention_mask=torch.from_numpy(mask),
                                 token_type_ids=torch.zeros_like(ids_t)).last_hidden_state
        return hidden.float().numpy()


class OnnxEncoder(PooledEncoder):
    """The same transformer run by onnxruntime (exported once from the model folder)."""

    def __init__(self, model_path: str, cache_dir: Path, quantized: bool = False, threads: int | None = None):
        import onnxruntime as ort

        super().__init__(model_path)
        onnx_file = exported_model(Path(model_path), cache_dir, quantized)
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or min(4, os.cpu_count() or 1)
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self._session = ort.InferenceSession(str(onnx_file), options, providers=["CPUExecutionProvider"])

    def _hidden(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        return self._session.run(None, _inputs(ids, mask))[0]


class OpenVinoEncoder(PooledEncoder):
    """The exported ONNX transformer compiled by OpenVINO, which runs it in bfloat16 on CPUs that do bfloat16
    natively and float32 elsewhere. Made for ingest's throughput: one stream per thread, each running small
    batches (less padding), two requests per stream so a stream starts its next batch while the caller pools
    the last. On two cores that embeds the samples 1.5x faster than torch-bf16's one batch of 32 at a time,
    with the same vectors (cosine to float32 0.9999)."""

    batch_size, pad_to = 4, 16  # against batches of 8 unpadded: 6.0 s -> 5.0 s for the samples' chunks

    def __init__(self, model_path: str, cache_dir: Path, threads: int | None = None):
        import openvino as ov

        super().__init__(model_path)
        self.streams = threads or os.cpu_count() or 1
        config = {"PERFORMANCE_HINT": "THROUGHPUT", "NUM_STREAMS": str(self.streams),
                  "INFERENCE_NUM_THREADS": str(self.streams)}
        onnx_file = exported_model(Path(model_path), cache_dir, quantized=False)
        self._model = ov.Core().compile_model(str(onnx_file), "CPU", config)
        self._requests = [self._model.create_infer_request() for _ in range(2 * self.streams)]  # 6.3 s -> 5.6 s

    def _hidden_batches(self, batches: Iterator[tuple]) -> Iterator[tuple[tuple, np.ndarray]]:
        """Keeps every request busy; batch k runs on request k mod requests and is read back in order
        (OpenVINO computes the next batches while the caller pools this one)."""
        pending: deque = deque()
        for k, batch in enumerate(batches):
            if len(pending) == len(self._requests):
                done, request = pending.popleft()
                yield done, _result(request)
            request = self._requests[k % len(self._requests)]
            request.start_async(_inputs(*batch[-2:]))
            pending.append((batch, request))
        while pending:
            done, request = pending.popleft()
            yield done, _result(request)


def _result(request) -> np.ndarray:
    request.wait()
    return request.get_output_tensor(0).data.copy()


def mean_pooled(folder: Path) -> bool:
    """Whether a sentence-transformers folder is transformer → mean pooling → normalise (what OnnxEncoder does)."""
    try:
        modules = [m["type"].rsplit(".", 1)[-1] for m in json.loads((folder / "modules.json").read_text())]
        pooling = json.loads((folder / "1_Pooling" / "config.json").read_text())
    except (OSError, ValueError, KeyError):
        return False
    others = [k for k, v in pooling.items() if k.startswith("pooling_mode_") and v and k != "pooling_mode_mean_tokens"]
    return modules == ["Transformer", "Pooling", "Normalize"] and pooling.get("pooling_mode_mean_tokens") and not others


def exported_model(folder: Path, cache_dir: Path, quantized: bool) -> Path:
    """The ONNX file for a model folder, exported on first use and reused after (keyed by the weights' hash)."""
    weights = next((folder / n for n in ("model.safetensors", "pytorch_model.bin") if (folder / n).exists()), None)
    if weights is None:
        raise FileNotFoundError(f"no weights in {folder}")
    key = hashlib.sha256(f"{weights.stat().st_size}:{weights.stat().st_mtime_ns}:{folder}".encode()).hexdigest()[:16]
    target = cache_dir / f"{folder.name}-{key}"
    fp32, int8 = target / "model.onnx", target / "model-int8.onnx"
    if not fp32.exists():
        target.mkdir(parents=True, exist_ok=True)
        _export(folder, fp32)
    if quantized and not int8.exists():
        from onnxruntime.quantization import QuantType, quantize_dynamic

        root, level = logging.getLogger(), logging.getLogger().level
        root.setLevel(logging.ERROR)  # quantize_dynamic logs a pre-processing hint as a warning
        try:
            with written_whole(int8) as tmp:
                quantize_dynamic(str(fp32), tmp, weight_type=QuantType.QUInt8, per_channel=True, reduce_range=True)
        finally:
            root.setLevel(level)
    return int8 if quantized else fp32


@contextmanager
def written_whole(target: Path) -> Iterator[str]:
    """A temporary path beside ``target`` that becomes ``target`` only if the block finishes: never half a file."""
    with tempfile.NamedTemporaryFile(dir=target.parent, suffix=target.suffix, delete=False) as tmp:
        pass
    try:
        yield tmp.name
        os.replace(tmp.name, target)
    finally:
        Path(tmp.name).unlink(missing_ok=True)


def _export(folder: Path, target: Path) -> None:
    """torch.onnx.export of the transformer (dynamic batch and length), written whole or not at all."""
    import torch
    from transformers import AutoModel

    class Hidden(torch.nn.Module):
        def __init__(self, model):
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.model(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    model = Hidden(AutoModel.from_pretrained(str(folder)).eval())
    ids = torch.ones(2, 16, dtype=torch.long)
    names = ["input_ids", "attention_mask", "token_type_ids"]
    with written_whole(target) as tmp, torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer notes about the model's Python branches; the export is checked
        torch.onnx.export(model, (ids, torch.ones_like(ids), torch.zeros_like(ids)), tmp, input_names=names,
                          output_names=["last_hidden_state"], opset_version=17, dynamo=False,
                          dynamic_axes={n: {0: "batch", 1: "tokens"} for n in [*names, "last_hidden_state"]})


def native_bfloat16() -> bool:
    """Whether this CPU does bfloat16 arithmetic in hardware (Linux reports it in /proc/cpuinfo)."""
    try:
        flags = Path("/proc/cpuinfo").read_text(errors="replace")
    except OSError:
        return False
    return any(flag in flags.split() for flag in ("avx512_bf16", "amx_bf16"))


def resolved_backend(backend: str) -> str:
    """The concrete backend for a setting: ``auto`` becomes torch-bf16 on CPUs with native bfloat16, onnx elsewhere."""
    if backend not in BACKENDS:
        raise ValueError(f"COMMITTEE_EMBEDDING_BACKEND must be one of {', '.join(BACKENDS)}, not {backend!r}")
    if backend == "auto":
        if importlib.util.find_spec("openvino") is not None:
            return "openvino"
        return "torch-bf16" if native_bfloat16() else "onnx"
    return backend


def query_backend(backend: str) -> str:
    """The backend for embedding questions and sentences at query time: onnx where ingest uses torch-bf16.
    Autocast pays off on large batches only; a question or four sentences run 3-8x faster on onnxruntime, which
    also keeps its speed when an ingest holds the cores (torch's thread pool does not) and gives the float32
    vectors that torch-bf16 matches to a cosine of 0.9999."""
    backend = resolved_backend(backend)
    return "onnx" if backend in ("torch-bf16", "openvino") else backend


def single_threaded_blas() -> None:
    """Keep numpy's BLAS (OpenBLAS) to one thread in a process that runs the model. Its matrix work here is small
    (pooling sentence spans, scoring a few hundred sentences, the exact dense scan), and between calls its idle
    threads spin, taking the cores from the model's own threads: with them, question embedding took twice as
    long (10 -> 19-21 ms a call at 10x and 100x the samples) and the samples' ingest 7.7 s against 7.2 s."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")


def load_encoder(model_path: str, backend: str, cache_dir: Path, threads: int | None = None):
    """The encoder for a backend. Where OpenVINO cannot compile the model (a CPU its kernels do not cover), the
    choice ``auto`` made before it: torch-bf16 on native bfloat16, else onnxruntime; where that cannot either,
    torch."""
    single_threaded_blas()
    backend = resolved_backend(backend)
    if backend.startswith("torch"):
        return TorchEncoder(model_path, threads, bfloat16=backend == "torch-bf16")
    if mean_pooled(Path(model_path)):
        try:
            if backend == "openvino":
                return OpenVinoEncoder(model_path, cache_dir, threads)
            return OnnxEncoder(model_path, cache_dir, quantized=backend == "onnx-int8", threads=threads)
        except Exception as exc:  # a missing package, an export the model does not support, an unsupported CPU
            fallback = ("torch-bf16" if native_bfloat16() else "onnx") if backend == "openvino" else "torch"
            log.warning("embedding with %s: the %s model could not be prepared (%s: %s)", fallback, backend,
                        type(exc).__name__, " ".join(str(exc).split())[-300:])
            return load_encoder(model_path, fallback, cache_dir, threads)
    return TorchEncoder(model_path, threads)
