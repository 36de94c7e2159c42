"""The embedding backends: onnxruntime gives torch's vectors, without truncating what the model can read."""
from __future__ import annotations

import numpy as np
import pytest

TEXTS = ["When did the committee agree to tender the Hauxton extra care contract?",
         "It was resolved unanimously to agree to tender the care contract at Hauxton extra care scheme.",
         "Willow Court will provide 12 flats. " * 30]  # past the tokenizer's own 128-word-piece default


def test_onnx_backend_gives_the_torch_vectors_and_reads_256_word_pieces(tmp_path, library):
    from index.encoders import OnnxEncoder, TorchEncoder, exported_model
    from settings import Settings

    model = Settings.from_env(env={}).embedding_model
    onnx = OnnxEncoder(model, tmp_path / "models")
    torch = TorchEncoder(model)
    assert exported_model(__import__("pathlib").Path(model), tmp_path / "models", False).exists()
    a, b = onnx.encode(TEXTS), torch.encode(TEXTS)
    assert a.shape == (3, 384)
    assert np.min((a * b).sum(1)) > 0.9999
    # the long text is read to 256 word pieces by both, not cut at the tokenizer file's 128
    short_a, short_b = onnx.encode(TEXTS, max_tokens=128), torch.encode(TEXTS, max_tokens=128)
    assert np.min((short_a * short_b).sum(1)) > 0.9999
    assert float(a[2] @ short_a[2]) < 0.99999


def test_unknown_backend_is_one_clear_sentence():
    from index.encoders import load_encoder

    with pytest.raises(ValueError, match="COMMITTEE_EMBEDDING_BACKEND must be one of torch, onnx, onnx-int8"):
        load_encoder("/nowhere", "tensorflow", None)
