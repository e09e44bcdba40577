"""Diagrams of the call flow as data: boxes with x/y/width and arrows with SVG paths and labels.

Pure (no Django): the templates draw a Diagram as inline SVG (templates/pbx/callflow/_diagram.svg),
so it needs no external service, no JavaScript library and no system binary, and works under the
strict Content-Security-Policy (classes from static/css/callflow.css, no style attributes).

Two layouts:
- `route(visits, labels)`: the route of one simulated call, a chain from top to bottom (narrow
  enough for a phone); a loop's last arrow goes back up to the box where it started.
- `overview(nodes, edges, labels)`: the organisation in columns, numbers → IVR menus → hunt groups
  → users → voicemail and external numbers. Each column is ordered by where its callers are
  (the mean height of the boxes pointing at it), which keeps most arrows short and level; arrows
  inside a column bend out to its right. `reachable` limits it to what one number or object
  leads to ("Begin bij"), so 200 objects stay usable.

Titles are given (the Django side words them, in the viewer's language) and shortened to the
box; the full text goes into the box's <title>.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

CHAR_WIDTH = 7.0  # An average character at the diagrams' 13 px font.
BOX_HEIGHT = 46
COLUMN_KINDS = ("number", "menu", "group", "user", "end")


@dataclass(frozen=True)
class Label:
    title: str
    subtitle: str = ""
    href: str = ""


@dataclass(frozen=True)
class Box:
    node: str
    kind: str  # number, menu, group, user, voicemail, external, night_mode, disconnect, problem
    x: float
    y: float
    width: float
    height: float
    title: str  # shortened to fit
    subtitle: str
    full: str  # title and subtitle in full, for the tooltip and screen readers
    href: str = ""
    badge: str = ""  # the route's step numbers at this box, "1" or "2-4"
    classes: str = ""

    @property
    def title_x(self) -> float:
        return self.x + 10

    @property
    def title_y(self) -> float:
        return self.y + (19 if self.subtitle else 28)

    @property
    def subtitle_y(self) -> float:
        return self.y + 36

    @property
    def badge_x(self) -> float:
        return self.x + self.width - 8


@dataclass(frozen=True)
class Arrow:
    source: str
    target: str
    path: str  # SVG path data
    label: str
    label_x: float
    label_y: float
    condition: str
    classes: str = ""


@dataclass(frozen=True)
class Column:
    kind: str
    x: float
    width: float


@dataclass(frozen=True)
class Diagram:
    width: float
    height: float
    boxes: tuple[Box, ...]
    arrows: tuple[Arrow, ...]
    columns: tuple[Column, ...] = ()

    def box(self, node: str) -> Box | None:
        return next((b for b in self.boxes if b.node == node), None)


def kind_of(node: str) -> str:
    prefix = node.partition(":")[0]
    if prefix in ("user", "group", "menu", "number", "voicemail", "external", "night_mode", "disconnect"):
        return prefix
    return "problem"


def fit(text: str, width: float) -> str:
    """text shortened with an ellipsis to what fits in width pixels."""
    room = max(4, int((width - 20) / CHAR_WIDTH))
    return text if len(text) <= room else text[: room - 1].rstrip() + "…"


def _box(node: str, label: Label, x: float, y: float, width: float, **extra: Any) -> Box:
    full = f"{label.title} ({label.subtitle})" if label.subtitle else label.title
    return Box(
        node=node,
        kind=kind_of(node),
        x=round(x, 1),
        y=round(y, 1),
        width=width,
        height=BOX_HEIGHT,
        title=fit(label.title, width - (28 if extra.get("badge") else 0)),
        subtitle=fit(label.subtitle, width),
        full=full,
        href=label.href,
        **extra,
    )


def _label_for(node: str, labels: Mapping[str, Label]) -> Label:
    return labels.get(node) or Label(node.partition(":")[2] or node)


def _numbers(steps: Sequence[int]) -> str:
    if not steps:
        return ""
    if len(steps) == 1:
        return str(steps[0])
    if steps == list(range(steps[0], steps[-1] + 1)):
        return f"{steps[0]}-{steps[-1]}"
    return ", ".join(str(s) for s in steps)


# --- The route of one call -------------------------------------------------------------------------

ROUTE_X = 12
ROUTE_WIDTH = 250
ROUTE_GAP = 40


def route(visits: Sequence[tuple[str, str, int]], labels: Mapping[str, Label]) -> Diagram:
    """visits: (node, label of the arrow that led there, step number) in the order of the steps;
    consecutive steps at one node share its box. A visit to a box already drawn (a loop) is an arrow
    back up to it."""
    order: list[str] = []
    steps: dict[str, list[int]] = {}
    moves: list[tuple[str, str, str]] = []
    previous: str | None = None
    for node, arrow_label, number in visits:
        if node != previous:
            if previous is not None:
                moves.append((previous, node, arrow_label))
            if node not in steps:
                order.append(node)
            previous = node
        steps.setdefault(node, []).append(number)
    boxes = {
        node: _box(
            node,
            _label_for(node, labels),
            ROUTE_X,
            12 + i * (BOX_HEIGHT + ROUTE_GAP),
            ROUTE_WIDTH,
            badge=_numbers(steps[node]),
            classes=" ".join(
                c for c in ("is-start" if i == 0 else "", "is-end" if i == len(order) - 1 else "") if c
            ),
        )
        for i, node in enumerate(order)
    }
    arrows = []
    back = 0
    for source, target, text in moves:
        a, b = boxes[source], boxes[target]
        if b.y > a.y:
            x = a.x + a.width / 2
            arrows.append(
                Arrow(
                    source,
                    target,
                    f"M{x},{a.y + a.height} L{x},{b.y - 2}",
                    fit(text, 360),
                    x + 8,
                    (a.y + a.height + b.y) / 2 + 4,
                    "forward",
                )
            )
        else:  # Back up: a loop.
            back += 1
            right = a.x + a.width
            out = right + 18 + 12 * back
            ya, yb = a.y + a.height / 2, b.y + b.height / 2
            arrows.append(
                Arrow(
                    source,
                    target,
                    f"M{right},{ya} L{out},{ya} L{out},{yb} L{right + 2},{yb}",
                    fit(text, 120),
                    out + 4,
                    (ya + yb) / 2,
                    "loop",
                    "is-loop",
                )
            )
    height = 12 + len(order) * (BOX_HEIGHT + ROUTE_GAP) - ROUTE_GAP + 12
    width = ROUTE_X + ROUTE_WIDTH + (40 + 12 * back if back else 12) + 110
    return Diagram(width=width, height=max(height, 70), boxes=tuple(boxes.values()), arrows=tuple(arrows))


# --- The overview of the organisation ----------------------------------------------------------------

COLUMN_WIDTH = 200
COLUMN_GAP = 110
ROW_GAP = 12
TOP = 34  # Room for the column headings.


def column_of(node: str) -> int:
    kind = kind_of(node)
    if kind in ("number", "night_mode"):
        return 0
    if kind in ("menu", "group", "user"):
        return COLUMN_KINDS.index(kind)
    return len(COLUMN_KINDS) - 1


def reachable(edges: Iterable[Any], start: str) -> set[str]:
    """Every node a call to `start` can reach (start included)."""
    successors: dict[str, list[str]] = {}
    for edge in edges:
        successors.setdefault(edge.source, []).append(edge.target)
    seen = {start}
    queue = deque([start])
    while queue:
        for target in successors.get(queue.popleft(), ()):
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return seen


def overview(
    nodes: Iterable[str],
    edges: Iterable[Any],
    labels: Mapping[str, Label],
    condition_label: Mapping[str, str] | None = None,
) -> Diagram:
    """nodes: what to draw (every edge between two of them is drawn, and every edge from one of them
    to the voicemail or an external number); edges: objects with source, target and condition
    (pbx.callflow.engine.Edge)."""
    wanted = set(nodes)
    end = len(COLUMN_KINDS) - 1
    drawn = [e for e in edges if e.source in wanted and (e.target in wanted or column_of(e.target) == end)]
    for edge in drawn:
        wanted.update((edge.source, edge.target))
    columns: list[list[str]] = [[] for _ in COLUMN_KINDS]
    for node in wanted:
        columns[column_of(node)].append(node)
    predecessors: dict[str, list[str]] = {}
    for edge in drawn:
        if edge.source != edge.target:
            predecessors.setdefault(edge.target, []).append(edge.source)

    def name(node: str) -> str:
        return _label_for(node, labels).title.casefold()

    position: dict[str, float] = {}
    # The first column: the night mode first, then the numbers by number.
    columns[0].sort(key=lambda n: (n != "night_mode", n))
    for row, node in enumerate(columns[0]):
        position[node] = row
    for column in columns[1:]:

        def weight(node: str) -> tuple[int, float, str]:
            placed = [position[p] for p in predecessors.get(node, ()) if p in position]
            return (0, sum(placed) / len(placed), name(node)) if placed else (1, 0.0, name(node))

        column.sort(key=weight)
        for row, node in enumerate(column):
            position[node] = row
    # A box is as tall as its outgoing arrows need: each leaves from a port of its own, with its label.
    outgoing: dict[str, int] = {}
    for edge in drawn:
        outgoing[edge.source] = outgoing.get(edge.source, 0) + 1
    boxes: dict[str, Box] = {}
    heading: list[Column] = []
    bottom = TOP
    for index, column in enumerate(columns):
        x = 12 + index * (COLUMN_WIDTH + COLUMN_GAP)
        heading.append(Column(COLUMN_KINDS[index], x, COLUMN_WIDTH))
        y = TOP
        for node in column:
            height = max(BOX_HEIGHT, PORT_GAP * outgoing.get(node, 0) + 8)
            box = _box(node, _label_for(node, labels), x, y, COLUMN_WIDTH)
            boxes[node] = replace(box, height=height)
            y += height + ROW_GAP
        bottom = max(bottom, y)
    words = condition_label or {}
    out_ports = _ports(drawn, boxes, "source", "target")
    in_ports = _ports(drawn, boxes, "target", "source")
    arrows = [
        _arrow(
            edge,
            words.get(edge.condition, edge.condition),
            boxes[edge.source],
            boxes[edge.target],
            out_ports[id(edge)],
            in_ports[id(edge)],
        )
        for edge in drawn
    ]
    width = 12 + len(COLUMN_KINDS) * (COLUMN_WIDTH + COLUMN_GAP) - COLUMN_GAP + 80
    return Diagram(width, bottom + 6, tuple(boxes.values()), tuple(arrows), tuple(heading))


PORT_GAP = 14


def _ports(edges: Sequence[Any], boxes: Mapping[str, Box], end: str, other: str) -> dict[int, float]:
    """Where each edge meets the box at its `end`: spread over the box's height, ordered by the
    height of the box at the other end, so arrows leave and arrive without crossing there."""
    at: dict[str, list[Any]] = {}
    for edge in edges:
        at.setdefault(getattr(edge, end), []).append(edge)
    found: dict[int, float] = {}
    for node, group in at.items():
        box = boxes[node]
        group.sort(key=lambda e: (boxes[getattr(e, other)].y, getattr(e, other), e.condition))
        for i, edge in enumerate(group):
            found[id(edge)] = round(box.y + (i + 1) * box.height / (len(group) + 1), 1)
    return found


def _arrow(edge: Any, text: str, a: Box, b: Box, ya: float, yb: float) -> Arrow:
    source, target, condition = edge.source, edge.target, edge.condition
    classes = f"cond-{condition.partition(':')[0]}"
    if a.x == b.x:  # Within a column (or to itself): bend out to the right.
        right = a.x + a.width
        bend = 34 + min(40, abs(yb - ya) / 12)
        if source == target:
            yb = ya + 6
        path = f"M{right},{ya} C{right + bend},{ya} {right + bend},{yb} {right + 3},{yb}"
        return Arrow(source, target, path, fit(text, 90), right + 4, ya - 3, condition, classes)
    if b.x > a.x:
        x0, x1, lx = a.x + a.width, b.x - 3, a.x + a.width + 4
    else:  # Back to an earlier column: from the left side to the right side.
        x0, x1, lx = a.x, b.x + b.width + 3, a.x - 4
        classes += " is-back"
    middle = (x0 + x1) / 2
    path = f"M{x0},{ya} C{middle},{ya} {middle},{yb} {x1},{yb}"
    # The label where the arrow leaves its box: each arrow has a port of its own there.
    return Arrow(source, target, path, fit(text, COLUMN_GAP - 4), lx, ya - 3, condition, classes)
