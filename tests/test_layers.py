"""The folders are the layers: a module imports only from its own layer or the ones below it
(lazy imports inside functions included), and no two modules import each other."""

from __future__ import annotations

import ast
from pathlib import Path

import gongfu_cli

PACKAGE = Path(gongfu_cli.__file__).parent
# Lowest first. The three modules at the top of the package sit below every folder.
LAYERS = ("", "domain", "store", "presentation", "spreadsheets", "editing", "rendering", "cli")


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        found[".".join(("gongfu_cli", *parts)).removesuffix(".__init__")] = path
    return found


def imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.ImportFrom)
            and node.module
            and node.module.startswith("gongfu_cli")
        ):
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names if a.name.startswith("gongfu_cli"))
    return names


def layer(module: str) -> int:
    if module == "gongfu_cli.__main__":  # `python -m gongfu_cli`: the command line, run
        return len(LAYERS)
    parts = module.split(".")
    return LAYERS.index(parts[1]) if len(parts) > 2 and parts[1] in LAYERS else 0


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: {m for m in imported(path) if m in known and m != name}
            for name, path in known.items()}  # fmt: skip


def test_every_module_sits_in_a_layer_folder_or_at_the_top() -> None:
    for name in modules():
        parts = name.split(".")
        assert len(parts) <= 2 or parts[1] in LAYERS, name


def test_nothing_imports_from_a_layer_above_it() -> None:
    upward = [(a, b) for a, deps in graph().items() for b in deps if layer(b) > layer(a)]
    assert upward == []


def test_no_two_modules_import_each_other() -> None:
    edges = graph()
    cycles = sorted({tuple(sorted((a, b))) for a, deps in edges.items() for b in deps
                     if a in edges.get(b, set())})  # fmt: skip
    assert cycles == []


def test_the_layer_check_sees_an_upward_import() -> None:
    """The check itself: the command line imports the emitter, which is below it."""
    assert "gongfu_cli.rendering.emit" in graph()["gongfu_cli.cli.shown"]
    assert layer("gongfu_cli.cli.shown") > layer("gongfu_cli.rendering.emit")
