"""Safe YAML for plan files: no objects, no implicit types, bounded size and expansion.

Every scalar loads as a string (pydantic converts it later): YAML 1.1 would
otherwise read ``10:00`` as the integer 600 and ``no`` as False. Each value's
path is indexed to its line so errors can say ``plan.yaml:23: posts[2].text``.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from campaign.errors import InvalidInput

MAX_BYTES = 2 * 1024 * 1024
MAX_NODES = 200_000  # an alias bomb expands far past this
Path_ = tuple[str | int, ...]
_NULL = "tag:yaml.org,2002:null"


class _StringLoader(yaml.SafeLoader):
    """SafeLoader that resolves only nulls implicitly; everything else stays a string."""


_StringLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag == _NULL]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def format_path(path: Path_) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def hashtag_comments(text: str, lines: dict[Path_, int], node: yaml.Node) -> list[Path_]:
    """Return paths of unquoted values cut short by a ``#tag`` that YAML read as a comment."""
    source = text.splitlines()
    found: list[Path_] = []

    def walk(n: yaml.Node, path: Path_) -> None:
        if isinstance(n, yaml.ScalarNode) and n.style is None:
            end = n.end_mark
            rest = source[end.line][end.column :] if end.line < len(source) else ""
            if re.match(r"\s+#\w", rest):
                found.append(path)
        elif isinstance(n, yaml.MappingNode):
            for k, v in n.value:
                walk(v, (*path, str(k.value)))
        elif isinstance(n, yaml.SequenceNode):
            for i, item in enumerate(n.value):
                walk(item, (*path, i))

    if len(lines) <= MAX_NODES:
        walk(node, ())
    return found


def _index(node: yaml.Node, path: Path_, lines: dict[Path_, int], budget: list[int]) -> Any:
    budget[0] -= 1
    if budget[0] < 0:
        raise InvalidInput(
            f"more than {MAX_NODES:,} values once aliases are expanded (an alias bomb?)"
        )
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            _index(value_node, (*path, str(key_node.value)), lines, budget)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _index(item, (*path, i), lines, budget)


def load(text: str, name: str) -> tuple[Any, dict[Path_, int], list[Path_]]:
    """Parse YAML text; return the data, a map from value path to line, and hashtag cut-offs."""
    if len(text.encode()) > MAX_BYTES:
        raise InvalidInput(f"{name}: larger than {MAX_BYTES // 1024 // 1024} MB")
    try:
        node = yaml.compose(text, Loader=_StringLoader)
        if node is None:
            raise InvalidInput("the file is empty")
        lines: dict[Path_, int] = {}
        _index(node, (), lines, [MAX_NODES])
        data = yaml.load(text, Loader=_StringLoader)
        cut = hashtag_comments(text, lines, node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"{name}:{mark.line + 1}" if mark else name
        raise InvalidInput(f"{where}: not valid YAML: {exc.problem}") from None
    except yaml.YAMLError as exc:
        raise InvalidInput(f"{name}: not valid YAML: {exc}") from None
    except InvalidInput as exc:
        raise InvalidInput(f"{name}: {exc}") from None
    return data, lines, cut


def line_of(lines: dict[Path_, int], path: Path_) -> int:
    """Return the line of ``path``, or of its nearest ancestor that has one."""
    while path and path not in lines:
        path = path[:-1]
    return lines.get(path, 1)
