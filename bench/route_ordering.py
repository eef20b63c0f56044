"""How long ordering a route takes, and how much shorter it gets than the order picked.

    .venv/bin/python bench/route_ordering.py

Random stops in a 3 km x 3 km city centre, the start point in the middle; 20 draws per size.
Prints the median and worst time per call and the mean saving against the input order; then the
same without a start point ("best start"), against starting at the first stop picked.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from outreach import routing

START = (50.637, 3.063)


def draw(rng: random.Random, count: int) -> list[tuple[float, float]]:
    return [(50.623 + rng.random() * 0.027, 3.042 + rng.random() * 0.042) for _ in range(count)]


def main() -> None:
    rng = random.Random(2021)
    print(f"{'stops':>5} {'median ms':>10} {'worst ms':>9} {'saving vs picked order':>24}")
    for count in (3, 5, 8, 10, 12, 13, 15, 20, 30, 40):
        times, savings = [], []
        for _ in range(20):
            stops = draw(rng, count)
            began = time.perf_counter()
            order = routing.shortest_order(START, stops)
            times.append((time.perf_counter() - began) * 1000)
            before = routing.tour_length_m(START, stops)
            after = routing.tour_length_m(START, stops, order)
            savings.append(1 - after / before)
        print(
            f"{count:>5} {statistics.median(times):>10.2f} {max(times):>9.2f} "
            f"{statistics.mean(savings):>23.0%}"
        )

    print()
    print("best start (no start point) against the shortest walk from the first stop picked:")
    print(f"{'stops':>5} {'median ms':>10} {'worst ms':>9} {'shorter (mean)':>15} {'shorter (max)':>14}")
    for count in (3, 5, 8, 10, 12, 13, 20, 40):
        times, savings = [], []
        for _ in range(20):
            stops = draw(rng, count)
            began = time.perf_counter()
            order = routing.shortest_order(None, stops)
            times.append((time.perf_counter() - began) * 1000)
            first = routing.tour_length_m(None, stops, routing.order_from_stop(0, stops))
            savings.append(1 - routing.tour_length_m(None, stops, order) / first)
        print(
            f"{count:>5} {statistics.median(times):>10.2f} {max(times):>9.2f} "
            f"{statistics.mean(savings):>15.0%} {max(savings):>14.0%}"
        )

    print()
    print("heuristic alone (nearest neighbour + 2-opt/or-opt) against the exact optimum:")
    print(f"{'stops':>5} {'optimal in':>11} {'mean gap':>9} {'worst gap':>10}")
    for count in (5, 6, 7, 8):
        gaps = []
        for _ in range(100):
            stops = draw(rng, count)
            best = routing.tour_length_m(START, stops, routing._exact(routing._matrix(START, stops), count))
            found = routing.tour_length_m(START, stops, routing.heuristic_order(START, stops))
            gaps.append(found / best - 1)
        optimal = sum(1 for gap in gaps if gap < 1e-9)
        print(f"{count:>5} {optimal:>7}/100 {statistics.mean(gaps):>9.2%} {max(gaps):>10.2%}")


if __name__ == "__main__":
    main()
