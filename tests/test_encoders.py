"""The embedding backends: onnxruntime, OpenVINO and bfloat16 give torch's vectors, without truncating what the model can read."""
from __future__ import annotations

import numpy as np
import pytest

TEXTS = ["When did the committee agree to tender the Hauxton extra care contract?",
         "It was resolved unanimously to agree to tender the care contract at Hauxton extra care scheme.",
         "Willow Court will provide 12 flats. " * 30]  # past the tokenizer's own 128-word-piece default


def test_onnx_backend_gives_the_torch_vectors_and_reads_256_word_pieces(tmp_path, library):
    from committee.settings import Settings
    from index.encoders import OnnxEncoder, TorchEncoder, exported_model

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


@pytest.mark.slow
def test_openvino_streams_give_the_torch_vectors_and_span_vectors_in_order(tmp_path):
    """Ingest runs OpenVINO with several batches in flight (small batches, widths padded to 16); what comes back
    must still be each text's own vector and its own spans' vectors, whatever order the lengths put them in."""
    from committee.settings import Settings
    from index.encoders import OpenVinoEncoder, TorchEncoder, load_encoder

    model = Settings.from_env(env={}).embedding_model
    texts = [f"Item {n}: the committee agreed {'to tender the care contract ' * (n % 7)}at meeting {n}." for n in range(23)]
    spans = [[(0, len(f"Item {n}:")), (len(f"Item {n}:"), len(t))] for n, t in enumerate(texts)]
    streamed = load_encoder(model, "openvino", tmp_path / "models", threads=2)
    assert isinstance(streamed, OpenVinoEncoder) and streamed.streams == 2 and len(streamed._requests) == 4
    reference = TorchEncoder(model)
    a, per_a = streamed.encode_with_spans(texts, spans)
    b, per_b = reference.encode_with_spans(texts, spans)
    assert np.min((a * b).sum(1)) > 0.999  # bfloat16 on CPUs that have it, float32 elsewhere
    assert all(x.shape == (2, 384) and np.min((x * y).sum(1)) > 0.999 for x, y in zip(per_a, per_b))
    single = OpenVinoEncoder(model, tmp_path / "models", threads=1)  # as each of two ingest workers runs it
    assert single.streams == 1 and np.min((single.encode(TEXTS) * reference.encode(TEXTS)).sum(1)) > 0.999


def test_a_cpu_openvino_cannot_serve_falls_back_to_the_next_fastest_backend(tmp_path, monkeypatch, caplog):
    import index.encoders as encoders
    from committee.settings import Settings

    def refuse(*args, **kwargs):
        raise RuntimeError("Supported primitive descriptors list is empty for node: Softmax")

    monkeypatch.setattr(encoders, "OpenVinoEncoder", refuse)
    encoder = encoders.load_encoder(Settings.from_env(env={}).embedding_model, "auto", tmp_path / "models")
    if encoders.native_bfloat16():
        assert isinstance(encoder, encoders.TorchEncoder) and encoder.bfloat16
    else:
        assert isinstance(encoder, encoders.OnnxEncoder)
    assert "the openvino model could not be prepared (RuntimeError: Supported primitive" in caplog.text


def test_unknown_backend_is_one_clear_sentence():
    from index.encoders import load_encoder

    with pytest.raises(ValueError, match="COMMITTEE_EMBEDDING_BACKEND must be one of auto, openvino, torch-bf16, onnx, onnx-int8, torch"):
        load_encoder("/nowhere", "tensorflow", None)


@pytest.mark.slow
def test_bfloat16_backend_gives_the_float32_vectors():
    """bfloat16 autocast keeps norms and softmax in float32, so the vectors stay those of the float32 model."""
    from sentence_transformers import SentenceTransformer

    from committee.settings import Settings
    from index.encoders import TorchEncoder, resolved_backend

    model = Settings.from_env(env={}).embedding_model
    reference = SentenceTransformer(str(model), device="cpu").encode(TEXTS, normalize_embeddings=True)
    a, b = TorchEncoder(model, bfloat16=True).encode(TEXTS), TorchEncoder(model).encode(TEXTS)
    assert a.dtype == np.float32 and a.shape == (3, 384)
    assert np.min((b * reference).sum(1)) > 0.99999  # our pooling is sentence-transformers' own
    assert np.min((a * reference).sum(1)) > 0.999
    assert resolved_backend("auto") == "openvino"  # a dependency, so always there
    assert resolved_backend("onnx") == "onnx"


@pytest.mark.slow
def test_sentences_get_vectors_from_their_passage_pass():
    """Each sentence's vector pools its own tokens of the passage pass: related to the sentence embedded alone (cosine 0.5–0.95),
    and nearer the question it answers than the other sentences are."""
    from committee.settings import Settings
    from index.encoders import TorchEncoder
    from ingest.units import unit_spans

    encoder = TorchEncoder(Settings.from_env(env={}).embedding_model)
    passage = ("Willow Court extra care scheme\nThe scheme is being developed by the Longhurst Group. It will consist "
               "of 60 flats of which there will be 47 x 1 bed and 13 x 2 beds.\nThe contract starts in April.")
    units = unit_spans(passage)
    texts = [u for u, _, _ in units]
    assert texts[1] == "It will consist of 60 flats of which there will be 47 x 1 bed and 13 x 2 beds."
    assert all(passage[a:b].split() == u.split() for u, a, b in units)
    whole, per_unit = encoder.encode_with_spans([passage], [[(a, b) for _, a, b in units]])
    assert per_unit[0].shape == (len(units), 384)
    assert np.allclose(np.linalg.norm(per_unit[0], axis=1), 1.0, atol=1e-3)
    alone = encoder.encode(texts)
    assert np.min((per_unit[0] * alone).sum(1)) > 0.4
    question = encoder.encode(["How many flats will Willow Court have?"])[0]
    assert int(np.argmax(per_unit[0] @ question)) == 1
