"""ganforge's imports point down the layers of ganforge/layers.py, never up, never in a cycle, never at the package
root; and loading a run for inference does not import the training loop."""
import ast
import subprocess
import sys
from pathlib import Path

import ganforge
from ganforge.layers import LAYERS, layer_of

SRC = Path(ganforge.__file__).resolve().parent


def module_name(path: Path) -> str:
    parts = ["ganforge", *path.relative_to(SRC).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path, modules: set[str]) -> set[str]:
    """The ganforge modules a file imports anywhere in it (function-local and TYPE_CHECKING imports included):
    `from X import name` counts as X.name when that is a module, else as X."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            for alias in node.names:
                found.add(f"{source}.{alias.name}" if f"{source}.{alias.name}" in modules else source)
    return {m for m in found if m in modules}


def import_graph() -> dict[str, set[str]]:
    paths = {module_name(p): p for p in SRC.rglob("*.py")}
    return {name: imported_modules(path, set(paths)) - {name} for name, path in paths.items()}


def has_layer(name: str) -> bool:
    try:
        layer_of(name)
    except KeyError:
        return False
    return True


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    return [f"{a} ({LAYERS[layer_of(a)][0]}) imports {b} ({LAYERS[layer_of(b)][0]})"
            for a, targets in sorted(graph.items()) for b in sorted(targets)
            if has_layer(a) and has_layer(b) and layer_of(b) > layer_of(a)]


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import each other (directly or around a loop), each sorted; [] when there are
    none. A package's __init__ importing its own modules is how packages work: a module's import of its own
    package is dropped when that package imports it back."""
    edges = {a: {b for b in targets if not (a.startswith(b + ".") and a in graph.get(b, ()))}
             for a, targets in graph.items()}

    def reach(start: str) -> set[str]:
        seen, todo = set(), [start]
        while todo:
            for b in edges.get(todo.pop(), ()):
                if b not in seen:
                    seen.add(b)
                    todo.append(b)
        return seen
    reachable = {a: reach(a) for a in edges}
    groups = {tuple(sorted(b for b in reachable[a] if a in reachable[b])) for a in edges if a in reachable[a]}
    return sorted(list(group) for group in groups)


def test_every_module_has_a_layer():
    missing = [name for name in import_graph() if not has_layer(name)]
    assert not missing, f"add these modules to ganforge/layers.py: {missing}"


def test_imports_only_point_down_the_layers():
    upward = upward_imports(import_graph())
    assert not upward, "upward imports:\n" + "\n".join(upward)


def test_no_module_imports_the_package_root():
    importers = sorted(name for name, targets in import_graph().items() if "ganforge" in targets)
    assert not importers, f"these import the package root ganforge (import from its modules instead): {importers}"


def test_no_import_cycle():
    cycles = import_cycles(import_graph())
    assert not cycles, "modules in an import cycle:\n" + "\n".join(" ".join(group) for group in cycles)


def test_the_checks_can_fail():
    """The walk resolves relative and function-local imports, and the checks catch what they are for."""
    graph = import_graph()
    assert "ganforge.data.image_data" in graph["ganforge.data.batches"]  # `from .image_data import ...`
    assert "ganforge.launch" in graph["ganforge.commands.train"]  # function-local `from ..launch import train`
    assert upward_imports({"ganforge.data.folder": {"ganforge.trainer"}}) == [
        "ganforge.data.folder (data) imports ganforge.trainer (loop)"]
    assert upward_imports({"ganforge.trainer": {"ganforge.data.folder"}}) == []
    assert import_cycles({"ganforge.a": {"ganforge.b"}, "ganforge.b": {"ganforge.c"}, "ganforge.c": {"ganforge.a"},
                          "ganforge.d": {"ganforge.a"}}) == [["ganforge.a", "ganforge.b", "ganforge.c"]]
    # A package importing its own module, which imports the package back, is not a cycle
    assert not import_cycles({"ganforge.nets": {"ganforge.nets.dcgan"}, "ganforge.nets.dcgan": {"ganforge.nets"}})


def test_loading_a_run_for_inference_does_not_import_the_loop(tmp_path):
    """`ganforge.load` and sampling use the method factory, not trainer.py (DDP, tqdm, plotting)."""
    code = ("import sys, ganforge\n"
            "run = ganforge.load('starter:mnist-cgan')\n"
            "assert run.sample(2, label=3).shape[0] == 2\n"
            "print(sorted(m for m in ('ganforge.trainer', 'ganforge.launch', 'ganforge.distributed',"
            " 'ganforge.progress_lines')"
            " if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_the_configs_load_without_torch():
    """The run config and each layer's config are plain dataclasses: the command line reads them (flags, recipes)
    without the seconds torch takes to import."""
    code = "import sys, ganforge.config, ganforge.cli; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"
