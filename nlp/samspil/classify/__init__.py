"""Classifier backends behind one interface (:class:`samspil.classify.base.Backend`)."""
from .base import Backend, SentenceScores
from .thresholds import Thresholds, tune_thresholds

__all__ = ["Backend", "SentenceScores", "Thresholds", "tune_thresholds"]
