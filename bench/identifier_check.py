"""Identifier detection cost: the corpus, typical notes, and notes built to make the patterns
backtrack (the server checks every note, person code and debrief of every push).

    .venv/bin/python bench/identifier_check.py

Prints the corpus' detection and false-positive rates, the mean time per corpus case, and the
worst time on 2,000-character adversarial texts (the debrief's limit): with every repetition of
the patterns bounded this stays in milliseconds, not seconds.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maraude.settings")
os.environ.setdefault("DEBUG", "true")

import django  # noqa: E402

django.setup()

from outreach.rules.fields import DEBRIEF_NOTES_MAX_LENGTH  # noqa: E402
from outreach.rules.identifiers import find_identifiers  # noqa: E402

CORPUS = ROOT / "tests" / "outreach" / "data" / "identifier_corpus.tsv"
ADVERSARIAL = {
    "a.a.a…": "a." * 1000,
    "x@a.a.a…": "x@" + "a." * 999,
    "x at a . a . …": "x at " + "a . " * 490,
    "1 1 1 …": "1 " * 1000,
    "12-12-12-…": "12-" * 660,
    "snap: aaaa…": "snap: " + "a" * 1990,
    "insta aaaa…": "insta " + "a" * 1990,
    "lea at lea at …": "lea at " * 280,
    "zero un deux …": "zero un deux " * 150,
    "a dot a dot …": "a dot " * 330,
    "x@a@a@…": "x" + "@a" * 990,
    "a-a-a-…": "a-" * 1000,
    "aaaa…": "a" * 2000,
}


def main() -> None:
    cases = []
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            expected, text = line.split("\t", 1)
            cases.append(([] if expected == "-" else expected.split(","), text))
    positives = [text for kinds, text in cases if kinds]
    negatives = [text for kinds, text in cases if not kinds]
    start = time.perf_counter()
    found = [find_identifiers(text) for _kinds, text in cases]
    per_case = (time.perf_counter() - start) / len(cases)
    detected = sum(1 for (kinds, _t), f in zip(cases, found, strict=True) if kinds and f)
    flagged = sum(1 for (kinds, _t), f in zip(cases, found, strict=True) if not kinds and f)
    print(f"corpus: {len(positives)} identifiers, detection {detected / len(positives):.1%}; "
          f"{len(negatives)} legitimate notes, false positives {flagged / len(negatives):.1%}")  # fmt: skip
    print(f"mean time per corpus case: {per_case * 1e6:.0f} µs")
    worst = ("", 0.0)
    for name, text in ADVERSARIAL.items():
        text = text[:DEBRIEF_NOTES_MAX_LENGTH]
        start = time.perf_counter()
        find_identifiers(text)
        took = time.perf_counter() - start
        print(f"  {name:18} {took * 1000:7.2f} ms")
        worst = max(worst, (name, took), key=lambda item: item[1])
    print(f"worst adversarial 2,000-character text: {worst[1] * 1000:.2f} ms ({worst[0]})")


if __name__ == "__main__":
    main()
