"""Build samspil's compact Danish lemma index from spacy-lookups-data.

Writes nlp/samspil/data/da_lemmas.safetensors (sorted 64-bit hashes of word
forms, the index of each form's lemma, the hashes of the lemmas) and
da_lemmas.json (the lemma strings and the source's version). Only entries whose
lemma differs from the form are kept: an unknown word is its own lemma.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import srsly
from safetensors.numpy import save_file
from spacy.strings import hash_string
from spacy_lookups_data import __version__ as lookups_version
from spacy_lookups_data import get_file

OUT = Path(__file__).resolve().parents[1] / "nlp" / "samspil" / "data"


def main() -> None:
    table = srsly.read_gzip_json(get_file("da_lemma_lookup.json.gz"))
    pairs = {k: v for k, v in table.items() if (k.islower() or not k[:1].isalpha()) and k != v}
    lemmas = sorted(set(pairs.values()))
    lemma_id = {lem: i for i, lem in enumerate(lemmas)}
    keys = np.array([hash_string(k) for k in pairs], dtype=np.uint64)
    ids = np.array([lemma_id[v] for v in pairs.values()], dtype=np.int32)
    order = np.argsort(keys, kind="stable")
    keys, ids = keys[order], ids[order]
    if len(np.unique(keys)) != len(keys):
        raise SystemExit("hash collision among word forms; cannot build the index")
    OUT.mkdir(parents=True, exist_ok=True)
    save_file({"form_hashes": keys, "lemma_ids": ids, "lemma_hashes": np.array([hash_string(lem) for lem in lemmas], dtype=np.uint64)}, str(OUT / "da_lemmas.safetensors"))
    (OUT / "da_lemmas.json").write_text(json.dumps({"source": f"spacy-lookups-data {lookups_version}, da_lemma_lookup", "entries": len(keys), "lemmas": lemmas}, ensure_ascii=False), encoding="utf-8")
    print(f"{len(keys)} forms, {len(lemmas)} lemmas → {OUT}")


if __name__ == "__main__":
    main()
