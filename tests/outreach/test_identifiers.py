"""Identifier detection on the server, measured on a corpus of identifiers and legitimate notes."""

from __future__ import annotations

from pathlib import Path

import pytest

from outreach.rules.identifiers import find_identifiers, normalise

CORPUS = Path(__file__).parent / "data" / "identifier_corpus.tsv"


def corpus() -> list[tuple[list[str], str]]:
    cases = []
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        expected, text = line.split("\t", 1)
        cases.append(([] if expected == "-" else expected.split(","), text))
    return cases


def test_corpus_detection_and_false_positive_rates():
    cases = corpus()
    positives = [(kinds, text) for kinds, text in cases if kinds]
    negatives = [text for kinds, text in cases if not kinds]
    assert len(positives) >= 50 and len(negatives) >= 50
    missed = [text for kinds, text in positives if not find_identifiers(text)]
    wrong_kind = [(kinds, text) for kinds, text in positives if find_identifiers(text) not in ([], kinds)]
    flagged = [text for text in negatives if find_identifiers(text)]
    detection = 1 - len(missed) / len(positives)
    false_positives = len(flagged) / len(negatives)
    print(
        f"\nidentifier corpus: {len(positives)} identifiers, detection {detection:.1%}; "
        f"{len(negatives)} legitimate notes, false positives {false_positives:.1%}"
    )
    assert missed == []
    assert wrong_kind == []
    assert flagged == []


@pytest.mark.parametrize(("kinds", "text"), corpus())
def test_each_corpus_case(kinds, text):
    assert find_identifiers(text) == kinds


def test_numbers_in_words_and_emoji_become_digits():
    assert normalise("Zéro six 🔸 douze").split() == ["0", "6", "12"]
    assert normalise("quatre-vingt-dix-neuf").split() == ["99"]


def test_empty_text_is_clean():
    assert find_identifiers("") == [] and find_identifiers(None) == []
