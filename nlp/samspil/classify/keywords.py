"""A keyword baseline built from the source article's own terms.

It tags a label when one of the article's words for it occurs in the text. It
exists to show how much the trained models add over reading for keywords.
"""
from __future__ import annotations

import re

import numpy as np

from ..records import LABELS

#: Terms taken from the Socialstyrelsen article (Bruhn & Jarlskov, 2019), per label.
ARTICLE_TERMS: dict[str, tuple[str, ...]] = {
    "marketisation": ("markedsgørelse", "leverancelogik", "kontrakt", "performance", "effekt", "dokumentation", "professionalisering"),
    "equality_citizenship": ("ligeværd", "medborgerskab", "horisontal", "medskabere", "demokratisk deltagelse", "inddragelse"),
    "hybridisation": ("hybrid", "socialøkonomisk", "professionelle frivillige", "grænserne mellem stat"),
    "premises": ("låner lokaler", "lokaler og faciliteter", "faciliteter"),
    "grants": ("tilskud",),
    "dialogue": ("dialog", "mærkesager"),
    "task_collaboration": ("samarbejde om", "bestemte opgaver", "samarbejdes om"),
    "written_agreement": ("skriftlig aftale", "formaliseret"),
    "co_creation": ("samskabelse", "samskabende"),
    "partnership": ("partnerskab",),
    "service_delivery": ("servicefunktion", "serviceleverandør", "leverer sociale servicer", "velfærdsydelser"),
}


class KeywordBaseline:
    """Probability 1.0 for a label whose article term occurs in the text, else 0.0."""

    def __init__(self, labels: tuple[str, ...] = LABELS) -> None:
        self.labels = labels
        self._patterns = [re.compile("|".join(re.escape(t) for t in ARTICLE_TERMS[lab]), re.IGNORECASE) for lab in labels]

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        return np.array([[1.0 if p.search(t) else 0.0 for p in self._patterns] for t in texts]).reshape(len(texts), len(self.labels))
