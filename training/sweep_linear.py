"""Hyper-parameter sweep for the linear backend, scored on dev only (never on test).

Usage: python training/sweep_linear.py  → prints dev micro-F1 per setting.
"""
from __future__ import annotations

import itertools
import json

from samspil.classify.linear import FeatureConfig, LinearParams, fit_linear
from samspil.corpus import as_read, label_matrix, read_split
from samspil.records import FORMS, LABELS, TRENDS
from samspil.trainer import micro_f1, parse_texts, tune_on_dev


def main() -> None:
    train, dev = as_read(read_split("train")), as_read(read_split("dev"))
    p_train, p_dev = parse_texts([d["text"] for d in train]), parse_texts([d["text"] for d in dev])
    y_train, y_dev = label_matrix(train), label_matrix(dev)
    results = []
    for C, (cmin, cmax), min_df in itertools.product((2.0, 4.0, 8.0, 16.0), ((3, 5), (2, 6)), (2,)):
        params = LinearParams(C=C, features=FeatureConfig(char_min=cmin, char_max=cmax, min_df=min_df))
        m = fit_linear(p_train, y_train, LABELS, params)
        tuning = tune_on_dev(m, p_dev, y_dev)
        pred = m.thresholds.predict(m.predict_proba_docs(p_dev)).astype(int)
        t = [LABELS.index(x) for x in TRENDS]
        f = [LABELS.index(x) for x in FORMS]
        row = {"C": C, "char": [cmin, cmax], "min_df": min_df, "dev_micro_f1": tuning["dev_micro_f1"], "window_weight": tuning["window_weight"],
               "trends": round(micro_f1(y_dev[:, t], pred[:, t]), 4), "forms": round(micro_f1(y_dev[:, f], pred[:, f]), 4)}
        print(json.dumps(row), flush=True)
        results.append(row)
    best = max(results, key=lambda r: r["dev_micro_f1"])
    print("best on dev:", json.dumps(best))


if __name__ == "__main__":
    main()
