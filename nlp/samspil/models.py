"""Where shipped models live."""
from __future__ import annotations

from pathlib import Path

from .errors import ModelError

DEFAULT_MODEL = "samspil-linear"
_PACKAGE_MODELS = Path(__file__).parent / "models"  # inside an installed wheel
_REPO_MODELS = Path(__file__).resolve().parents[2] / "models"  # in a checkout


def config_dir() -> Path:
    """The training configs: inside an installed wheel, or ``training/configs`` in a checkout."""
    packaged = Path(__file__).parent / "configs"
    return packaged if packaged.is_dir() else Path(__file__).resolve().parents[2] / "training" / "configs"


def resolve_model(model: str | Path | None = None) -> Path:
    """The directory of a model given by name or path; the default model for ``None``."""
    model = model or DEFAULT_MODEL
    path = Path(model)
    if (path / "manifest.json").is_file():
        return path
    for root in (_PACKAGE_MODELS, _REPO_MODELS):
        candidate = root / str(model)
        if (candidate / "manifest.json").is_file():
            return candidate
    raise ModelError(
        f"no model {str(model)!r}: expected a directory with manifest.json, or a shipped model name "
        f"(looked in {_PACKAGE_MODELS} and {_REPO_MODELS}). Run `make train` to build the default model."
    )
