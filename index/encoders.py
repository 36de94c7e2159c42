"""Sentence encoders behind the embedding: sentence-transformers on torch, or the same model run by onnxruntime.

Why onnxruntime: on a 2-core machine it embeds the same vectors (cosine 1.00000 to torch)
about 10% faster at ingest and about twice as fast for the short texts of a query, and it
suffers far less when the CPU is busy. The ONNX file is exported once from the local model
folder (no hub) with ``torch.onnx.export`` and kept under the data folder's ``models/``; an
int8 copy (``onnx-int8``) is faster again but changes the vectors, so it is opt-in and its
effect on retrieval is measured in ``bench/``.

Backends (``Settings.embedding_backend``): ``torch``, ``onnx`` (default), ``onnx-int8``.
Only models with mean pooling and normalisation (all-MiniLM-L6-v2 and its kind) run on
onnxruntime; any other model, or any failure to export, falls back to torch with a warning.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

log = logging.getLogger("committee.encoders")
BACKENDS = ("torch", "onnx", "onnx-int8")


class TorchEncoder:
    """sentence-transformers on torch, the reference implementation."""

    def __init__(self, model_path: str, threads: int | None = None):
        import torch
        from sentence_transformers import SentenceTransformer

        if threads:
            torch.set_num_threads(threads)
        self._model = SentenceTransformer(model_path, device="cpu")
        self.max_tokens = self._model.max_seq_length

    def encode(self, texts: list[str], max_tokens: int | None = None) -> np.ndarray:
        limit = self._model.max_seq_length
        self._model.max_seq_length = min(limit, max_tokens or limit)
        try:
            return self._model.encode(texts, batch_size=32, normalize_embeddings=True, convert_to_numpy=True,
                                      show_progress_bar=False)
        finally:
            self._model.max_seq_length = limit


class OnnxEncoder:
    """The same transformer run by onnxruntime, with the model's own tokenizer, mean pooling and normalisation."""

    def __init__(self, model_path: str, cache_dir: Path, quantized: bool = False, threads: int | None = None):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        folder = Path(model_path)
        config = json.loads((folder / "sentence_bert_config.json").read_text())
        self.max_tokens = int(config.get("max_seq_length", 256))
        self._tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._tokenizer.no_padding()  # the bundled tokenizer pads and cuts at 128 by default
        onnx_file = exported_model(folder, cache_dir, quantized)
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or min(4, os.cpu_count() or 1)
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self._session = ort.InferenceSession(str(onnx_file), options, providers=["CPUExecutionProvider"])

    def encode(self, texts: list[str], max_tokens: int | None = None) -> np.ndarray:
        """Normalised mean-pooled vectors; texts are batched by length so padding stays small."""
        self._tokenizer.enable_truncation(min(self.max_tokens, max_tokens or self.max_tokens))
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        batches = []
        for start in range(0, len(order), 32):
            encoded = self._tokenizer.encode_batch([texts[i] for i in order[start:start + 32]])
            width = max(len(e.ids) for e in encoded)
            ids = np.zeros((len(encoded), width), dtype=np.int64)
            mask = np.zeros_like(ids)
            for row, e in enumerate(encoded):
                ids[row, :len(e.ids)] = e.ids
                mask[row, :len(e.ids)] = 1
            hidden = self._session.run(None, {"input_ids": ids, "attention_mask": mask,
                                              "token_type_ids": np.zeros_like(ids)})[0]
            vectors = (hidden * mask[..., None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1)
            batches.append(vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12))
        if not batches:
            return np.zeros((0, 0), dtype=np.float32)
        out = np.empty((len(texts), batches[0].shape[1]), dtype=np.float32)
        out[order] = np.concatenate(batches)
        return out


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


def load_encoder(model_path: str, backend: str, cache_dir: Path, threads: int | None = None):
    """The encoder for a backend; onnxruntime when asked and possible, torch otherwise."""
    if backend not in BACKENDS:
        raise ValueError(f"COMMITTEE_EMBEDDING_BACKEND must be one of {', '.join(BACKENDS)}, not {backend!r}")
    if backend != "torch" and mean_pooled(Path(model_path)):
        try:
            return OnnxEncoder(model_path, cache_dir, quantized=backend == "onnx-int8", threads=threads)
        except Exception as exc:  # a missing onnx package, an export the model does not support
            log.warning("embedding with torch: the ONNX model could not be prepared (%s: %s)", type(exc).__name__, exc)
    return TorchEncoder(model_path, threads)
