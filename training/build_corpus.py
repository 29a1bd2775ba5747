"""Compile corpus/raw/<writer>/*.md into corpus/data/{train,dev,test}.jsonl (splits kept)."""
from samspil.corpus import build_corpus

if __name__ == "__main__":
    print(build_corpus())
