from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCE_ARTICLE = ROOT.parent / "shared" / "source-article.txt"

DANISH = (
    "Kommunen stiller gymnastiksalen gratis til rådighed for foreningen hver tirsdag. "
    "Til gengæld hjælper foreningens frivillige med skolernes motionsdag. "
    "Samarbejdet er beskrevet i en skriftlig aftale mellem parterne, og foreningen får et tilskud efter § 18."
)


@pytest.fixture(scope="session")
def clf():
    import samspil

    return samspil.load()


@pytest.fixture(scope="session")
def source_article_text() -> str:
    if not SOURCE_ARTICLE.is_file():
        pytest.skip("shared/source-article.txt is not beside the project")
    return SOURCE_ARTICLE.read_text(encoding="utf-8")
