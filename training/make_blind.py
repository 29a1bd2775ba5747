"""Copy a random sample of raw corpus texts, without their labels, for a blind second annotation.

Usage: python training/make_blind.py OUT_DIR N [SEED]
Texts already in OUT_DIR are kept; new ones are added up to N in all.
"""
from __future__ import annotations

import pathlib
import random
import sys

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from check_raw import read_raw  # noqa: E402


def main(out: str, n: int, seed: int = 13) -> None:
    out_dir = pathlib.Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    have = {p.stem for p in out_dir.glob("*.txt")}
    files = sorted(pathlib.Path("corpus/raw").glob("*/*.md"))
    rng = random.Random(seed)
    rng.shuffle(files)
    for f in files:
        if len(have) >= n:
            break
        meta, text = read_raw(f)
        if meta["id"] in have:
            continue
        (out_dir / f"{meta['id']}.txt").write_text(text, encoding="utf-8")
        have.add(meta["id"])
    print(f"{len(have)} blind texts in {out_dir}")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), *(int(a) for a in sys.argv[3:]))
