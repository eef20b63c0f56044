"""The territory tree as reports need it: subtrees and 'which child of T holds this territory'."""

from __future__ import annotations

from dataclasses import dataclass

from outreach.choices import TerritoryLevel
from outreach.models import Territory


@dataclass(frozen=True)
class Node:
    id: int
    parent_id: int | None
    level: str
    name: str
    code: str

    @property
    def label(self) -> str:
        if self.level in (TerritoryLevel.DEPARTEMENT, TerritoryLevel.COMMUNE):
            return f"{self.name} ({self.code})"
        return self.name


class TerritoryTree:
    """A snapshot of the territory table (a few hundred rows), loaded in one query."""

    def __init__(self) -> None:
        self.nodes = {
            row[0]: Node(*row)
            for row in Territory.objects.values_list("id", "parent_id", "level", "name", "code")
        }
        self.children: dict[int, list[int]] = {}
        for node in self.nodes.values():
            if node.parent_id is not None:
                self.children.setdefault(node.parent_id, []).append(node.id)

    def subtree(self, root_id: int) -> set[int]:
        found, stack = set(), [root_id]
        while stack:
            current = stack.pop()
            found.add(current)
            stack.extend(self.children.get(current, ()))
        return found

    def chain(self, territory_id: int) -> list[int]:
        """The territory and its ancestors, up to the national root."""
        out, current = [], territory_id
        while current is not None:
            out.append(current)
            current = self.nodes[current].parent_id
        return out

    def is_within(self, territory_id: int, ancestor_id: int) -> bool:
        return ancestor_id in self.chain(territory_id)

    def child_towards(self, root_id: int, territory_id: int) -> int:
        """The direct child of `root_id` on the way to `territory_id` (or the root itself)."""
        chain = self.chain(territory_id)
        index = chain.index(root_id)
        return chain[index - 1] if index > 0 else root_id

    def is_national(self, territory_id: int) -> bool:
        return self.nodes[territory_id].level == TerritoryLevel.NATIONAL
