"""Ordering a street route: the shortest walking tour from a start point through chosen stops.

Pure functions on (latitude, longitude) pairs in degrees; no Django. A route is an *open* path:
it leaves the start point, visits every stop once and ends at the last stop (teams end their
night where the last stop is, they do not walk back).

Without a start point (`start=None`) the route may begin at any stop: the best start is the one
giving the shortest walk. It is computed in the same way, with a virtual start at distance
zero from every stop (its first leg costs nothing, so the tour that follows picks its own start).

The heuristic is the classic one: nearest neighbour from the start, then local search with
2-opt (reverse a stretch) and or-opt (move a stretch of 1–3 stops elsewhere) until no move
shortens the path. It is also run from the caller's own order, and the shortest result wins,
so ordering never returns a longer tour than the order it was given. Up to EXACT_LIMIT stops
(most nights) the optimum is computed exactly by dynamic programming (Held-Karp) instead.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

Point = tuple[float, float]

EARTH_RADIUS_M = 6_371_008.8  # mean Earth radius (IUGG)
# 4.5 km/h: a calm walk through a neighbourhood, looking around, as teams do at night.
WALKING_METRES_PER_MINUTE = 75.0
EXACT_LIMIT = 12
# Improvements smaller than this (metres) are float noise, not a shorter tour.
_EPSILON = 1e-7


def great_circle_m(a: Point, b: Point) -> float:
    """Distance in metres between two (lat, lon) points in degrees (haversine formula)."""
    lat1, lon1 = math.radians(a[0]), math.radians(a[1])
    lat2, lon2 = math.radians(b[0]), math.radians(b[1])
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def _matrix(start: Point | None, stops: Sequence[Point]) -> list[list[float]]:
    # Node 0 is the start point (None: a virtual start, zero metres from every stop);
    # node i + 1 is stops[i].
    nodes = [start, *stops]
    return [[0.0 if p is None or q is None else great_circle_m(p, q) for q in nodes] for p in nodes]


def _path_length(dist: list[list[float]], order: Sequence[int]) -> float:
    total, previous = 0.0, 0
    for index in order:
        total += dist[previous][index + 1]
        previous = index + 1
    return total


def tour_length_m(start: Point | None, stops: Sequence[Point], order: Sequence[int] | None = None) -> float:
    """Length in metres of the path start → stops[order[0]] → stops[order[1]] → …
    (from stops[order[0]] when there is no start point)."""
    if order is None:
        order = range(len(stops))
    return _path_length(_matrix(start, stops), order)


def nearest_neighbour(dist: list[list[float]], count: int) -> list[int]:
    """Greedy order: from the start, always walk to the closest stop not yet visited."""
    left, order, here = set(range(count)), [], 0
    while left:
        nxt = min(left, key=lambda i: (dist[here][i + 1], i))
        order.append(nxt)
        left.remove(nxt)
        here = nxt + 1
    return order


def _two_opt(dist: list[list[float]], order: list[int]) -> bool:
    """One improving 2-opt move on the open path (reverse order[i..j]); True if one was made."""
    path = [0, *(i + 1 for i in order)]  # node ids, start first
    n = len(path)
    for i in range(1, n - 1):
        for j in range(i + 1, n):
            before = dist[path[i - 1]][path[i]]
            after = dist[path[i - 1]][path[j]]
            if j + 1 < n:
                before += dist[path[j]][path[j + 1]]
                after += dist[path[i]][path[j + 1]]
            if after < before - _EPSILON:
                order[i - 1 : j] = reversed(order[i - 1 : j])
                return True
    return False


def _or_opt(dist: list[list[float]], order: list[int]) -> bool:
    """One improving or-opt move (a stretch of 1–3 stops moved elsewhere, maybe reversed)."""
    current = _path_length(dist, order)
    n = len(order)
    for size in (1, 2, 3):
        for i in range(n - size + 1):
            segment = order[i : i + size]
            rest = order[:i] + order[i + size :]
            for k in range(len(rest) + 1):
                if k == i:
                    continue
                for piece in (segment, segment[::-1]) if size > 1 else (segment,):
                    candidate = rest[:k] + piece + rest[k:]
                    if _path_length(dist, candidate) < current - _EPSILON:
                        order[:] = candidate
                        return True
    return False


def local_search(dist: list[list[float]], order: Sequence[int]) -> list[int]:
    """Improve an order with 2-opt and or-opt moves until none shortens the path."""
    improved = list(order)
    while _two_opt(dist, improved) or _or_opt(dist, improved):
        pass
    return improved


def _exact(dist: list[list[float]], count: int) -> list[int]:
    """The optimal open path by Held-Karp dynamic programming: O(2^n · n²), fine to ~12 stops.

    best[mask][j] is the shortest walk from the start through the stops in `mask`, ending at j.
    """
    if count == 0:
        return []
    full = (1 << count) - 1
    inf = float("inf")
    best = [[inf] * count for _ in range(1 << count)]
    parent = [[-1] * count for _ in range(1 << count)]
    for j in range(count):
        best[1 << j][j] = dist[0][j + 1]
    for mask in range(1, full + 1):
        row = best[mask]
        for j in range(count):
            here = row[j]
            if here == inf or not mask & (1 << j):
                continue
            dj = dist[j + 1]
            for k in range(count):
                if mask & (1 << k):
                    continue
                nxt = mask | (1 << k)
                length = here + dj[k + 1]
                if length < best[nxt][k] - _EPSILON:
                    best[nxt][k] = length
                    parent[nxt][k] = j
    end = min(range(count), key=lambda j: best[full][j])
    order, mask = [], full
    while end != -1:
        order.append(end)
        end, mask = parent[mask][end], mask & ~(1 << end)
    return order[::-1]


def heuristic_order(start: Point | None, stops: Sequence[Point]) -> list[int]:
    """Nearest neighbour then 2-opt/or-opt, also tried from the given order; the shorter wins."""
    dist = _matrix(start, stops)
    candidates = [
        local_search(dist, nearest_neighbour(dist, len(stops))),
        local_search(dist, range(len(stops))),
    ]
    return min(candidates, key=lambda order: _path_length(dist, order))


def shortest_order(start: Point | None, stops: Sequence[Point]) -> list[int]:
    """Indices of `stops` in walking order from `start` (None: from the best stop to start at).

    Never longer than the given order; optimal for up to EXACT_LIMIT stops.
    """
    if len(stops) <= 1:
        return list(range(len(stops)))
    if len(stops) <= EXACT_LIMIT:
        return _exact(_matrix(start, stops), len(stops))
    return heuristic_order(start, stops)


def order_from_stop(first: int, stops: Sequence[Point]) -> list[int]:
    """Indices of `stops` beginning with stops[first], the others in the shortest walk from it."""
    others = [i for i in range(len(stops)) if i != first]
    rest = shortest_order(stops[first], [stops[i] for i in others])
    return [first, *(others[i] for i in rest)]


@dataclass(frozen=True)
class Leg:
    """One walk of a route: to stop `index` (in the order given), then time spent there."""

    index: int
    metres: float
    walk_minutes: float
    stop_minutes: int


@dataclass(frozen=True)
class RouteEstimate:
    legs: tuple[Leg, ...]
    metres: float
    walk_minutes: float
    stop_minutes: int

    @property
    def total_minutes(self) -> float:
        return self.walk_minutes + self.stop_minutes


def estimate(
    start: Point,
    stops: Sequence[Point],
    *,
    minutes_at_stop: Sequence[int],
    metres_per_minute: float = WALKING_METRES_PER_MINUTE,
) -> RouteEstimate:
    """Distance and time of walking the stops in the given order, with time spent at each."""
    legs, previous = [], start
    for index, (point, minutes) in enumerate(zip(stops, minutes_at_stop, strict=True)):
        metres = great_circle_m(previous, point)
        legs.append(Leg(index, metres, metres / metres_per_minute, int(minutes)))
        previous = point
    return RouteEstimate(
        legs=tuple(legs),
        metres=sum(leg.metres for leg in legs),
        walk_minutes=sum(leg.walk_minutes for leg in legs),
        stop_minutes=sum(leg.stop_minutes for leg in legs),
    )
