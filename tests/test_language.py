"""Language detection: the languages a European brand hears, 'und' when unsure."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from core.analysis.language import LANGUAGES, MAX_CHARS, detect_language, language_text
from tests.enrich_texts import corpus_texts, own_texts

SAMPLES = [
    ("Jeg er virkelig glad for den nye app, den virker bare rigtig godt.", "da"),
    ("I really love the new app, it just works and the support team is great.", "en"),
    ("Ich finde die neue App wirklich gut, sie funktioniert einfach.", "de"),
    ("Jag tycker verkligen om den nya appen, den fungerar bara bra.", "sv"),
    ("J'aime vraiment la nouvelle application, elle fonctionne très bien.", "fr"),
    ("Ik vind de nieuwe app echt geweldig, hij werkt gewoon goed.", "nl"),
]


@pytest.mark.parametrize(("text", "language"), SAMPLES)
def test_detects_common_languages(text: str, language: str) -> None:
    """It should name the language of an ordinary sentence."""
    assert detect_language(text) == language


@pytest.mark.parametrize(
    "text", ["", "ok", "+1", "👍👍", "!!!", "https://example.com/x @acme #acme"]
)
def test_too_little_text_is_undetermined(text: str) -> None:
    """It should answer 'und' when there are too few letters to tell."""
    assert detect_language(text) == "und"


def test_only_answers_with_the_restricted_set() -> None:
    """It should never answer with a language outside the configured set."""
    texts = ["Это очень хороший продукт", "これはとても良い製品です", "Hii ni bidhaa nzuri sana"]
    assert {detect_language(t) for t in texts} <= {*LANGUAGES, "und"}


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Jeg er veldig fornøyd med appen, den fungerer bra.", "no"),
        ("Hva synes dere om den nye oppdateringen?", "no"),
        ("Acme appen fungerer ikke, og jeg er virkelig skuffet over den.", "da"),
        ("Appen virker ikke, og kundeservice svarer aldri på e-post.", "da"),
    ],
)
def test_danish_unless_clearly_norwegian(text: str, language: str) -> None:
    """It should call shared Danish-Norwegian wording Danish, Norwegian spellings Norwegian."""
    assert detect_language(text) == language


def test_handles_tags_and_links_do_not_sway_it() -> None:
    """It should ignore handles, hashtags and links when telling the language."""
    text = "@anonymous @anonymous congrats ladies, what a great night!!! https://t.co/x #fb"
    assert detect_language(text) == "en"
    assert "@" not in language_text(text)
    assert "https" not in language_text(text)


def test_bounds_what_it_reads() -> None:
    """It should classify a bounded opening of a very long text."""
    text = "Jeg er glad for appen og den virker godt. " * 10_000
    assert len(language_text(text)) <= MAX_CHARS
    assert detect_language(text) == "da"


def _danish_sentences(corpora: Path) -> list[str]:
    texts = []
    for path in sorted((corpora / "danish-sentiment" / "lcc-sentiment").glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))[1:]
        texts += [row[2] for row in rows if row[1].strip() != "9"]
    return texts


def _vader_tweets(corpora: Path) -> list[str]:
    path = corpora / "vader-icwsm2014" / "tweets_GroundTruth.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.split("\t")[2] for line in lines if line.strip()]


@pytest.mark.corpus
def test_danish_sentences_are_detected_as_danish(corpora: Path) -> None:
    """It should detect at least 95 % of the LCC Danish sentences as Danish (measured: 98.6 %)."""
    counts = Counter(detect_language(text) for text in _danish_sentences(corpora))
    share = counts["da"] / counts.total()
    print(f"Danish LCC: {share:.1%} da of {counts.total()}; {dict(counts.most_common())}")
    assert share >= 0.95
    assert counts["da"] + counts["no"] + counts["und"] == counts.total()


@pytest.mark.corpus
def test_english_tweets_are_detected_as_english(corpora: Path) -> None:
    """It should detect most VADER tweets as English and almost none as another language."""
    counts = Counter(detect_language(text) for text in _vader_tweets(corpora))
    total = counts.total()
    other = total - counts["en"] - counts["und"]
    print(
        f"VADER tweets: {counts['en'] / total:.1%} en, {counts['und'] / total:.1%} und, "
        f"{other} other of {total}; {dict(counts.most_common(6))}"
    )
    assert counts["en"] / total >= 0.88
    assert other / total <= 0.005  # a misrouted tweet loses its VADER score


@pytest.mark.corpus
def test_restricted_model_answers_as_py3langids_own_restriction(corpora: Path) -> None:
    """It should rank every corpus text exactly as py3langid's own set_languages model does."""
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    from core.analysis.language import _classifier

    stock = LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=True)
    stock.set_languages(list(LANGUAGES))
    texts = [language_text(t) for t in _danish_sentences(corpora) + _vader_tweets(corpora)[:1500]]
    ours = _classifier()
    differ = [t for t in texts if ours.rank(t) != stock.rank(t)]
    assert differ == []


@pytest.mark.corpus
def test_one_scoring_answers_as_classify_and_rank(corpora: Path) -> None:
    """It should read, from one scoring of each text (the corpora's, the evaluation sets', the
    demo's and the bench's), exactly what py3langid's classify and rank each answer."""
    from core.analysis.language import _classifier, scored

    classifier = _classifier()
    texts = [language_text(t) for t in own_texts() + corpus_texts(corpora)]
    assert len(texts) > 9_000
    differ = [t for t in texts if (scored(t).best(), scored(t).ranked()) != (
        classifier.classify(t), classifier.rank(t))]
    assert differ == []
