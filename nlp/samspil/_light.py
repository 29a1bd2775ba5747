"""Import spaCy without letting thinc import torch.

thinc (spaCy's machine-learning layer) imports torch at import time whenever
torch is installed, which adds seconds to every start and pulls torch into a
plain classification that never uses it. samspil's own torch code (the
transformer backend) imports torch directly, so thinc is told torch is absent
while spaCy is first imported. In a process where spaCy was imported before
samspil nothing changes.
"""
from __future__ import annotations

import sys

if "spacy" not in sys.modules and "torch" not in sys.modules:
    sys.modules["torch"] = None  # type: ignore[assignment]  # "import torch" raises ImportError
    try:
        import spacy  # noqa: F401
        import thinc.compat  # noqa: F401
    finally:
        del sys.modules["torch"]
