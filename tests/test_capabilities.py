"""Declared capabilities (ganforge/capabilities.py): every method implements what it declares, tools ask for the
capability, and the two front ends (app/, commands/) do not reach into each other."""
import ast
from pathlib import Path

import pytest
import torch

from ganforge import capabilities
from ganforge.capabilities import (Autoencoder, DiscriminatorScorer, Generator, LatentGenerator, Stylizer,
                                   Translator, declares, is_conditional)
from ganforge.registry import available_methods, method_entry

SRC = Path(capabilities.__file__).parent
PROTOCOLS = [Generator, DiscriminatorScorer, Autoencoder, Translator, Stylizer, capabilities.RunPictures]
EXPECTED = {"gan": {Generator, DiscriminatorScorer}, "vae": {Generator, Autoencoder}, "pix2pix": {Translator},
            "cyclegan": {Translator}, "fast-style": {Stylizer}}


def protocol_methods(protocol: type) -> set[str]:
    return {name for klass in protocol.__mro__ if getattr(klass, "_is_protocol", False)
            for name, value in vars(klass).items() if callable(value) and not name.startswith("_")}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_method_declares_and_implements_its_capabilities(name):
    cls = method_entry(name).cls
    declared = {p for p in PROTOCOLS if declares(cls, p)}
    assert EXPECTED[name] <= declared
    for protocol in declared:
        for member in protocol_methods(protocol):
            owner = next(k for k in cls.__mro__ if member in vars(k))
            # A protocol's own stub would answer None: the method (or its base) must define it.
            assert not getattr(owner, "_is_protocol", False) or owner is capabilities.RunPictures, \
                f"{name} declares {protocol.__name__} but leaves {member}() to the protocol"


def test_only_methods_that_declare_a_capability_are_offered_it():
    assert {m for m in available_methods() if declares(method_entry(m).cls, LatentGenerator)} >= {"gan", "vae"}
    assert not declares(method_entry("pix2pix").cls, LatentGenerator)
    assert not declares(method_entry("vae").cls, DiscriminatorScorer)


def test_a_duck_typed_generator_is_one_and_conditional_only_when_it_says_so():
    class Plain:
        conditional = False

        def noise(self, n, generator=None):
            return torch.zeros(n, 2)

        def generate(self, noise, labels=None):
            return noise

    class Labelled(Plain):
        conditional = True

    unsaid = type("Unsaid", (), {"noise": Plain.noise, "generate": Plain.generate})()

    assert isinstance(Plain(), LatentGenerator) and not is_conditional(Plain())
    assert not isinstance(unsaid, LatentGenerator)  # a generator says whether it is conditional
    assert is_conditional(Labelled()) and not is_conditional(object())
    assert not isinstance(Plain(), Generator)  # no sample, fixed_grid or sampler


def imported_modules(path: Path) -> set[str]:
    """Absolute names of the ganforge modules a file imports, deferred imports included."""
    package = ".".join(("ganforge", *path.relative_to(SRC).with_suffix("").parts[:-1]))
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(p for p in (base, node.module or "") if p)
            names |= {module} | {f"{module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
    return names


def test_the_app_does_not_import_commands_nor_the_package_root():
    for path in sorted((SRC / "app").glob("*.py")):
        names = imported_modules(path)
        assert not {n for n in names if n.startswith("ganforge.commands")}, path.name
        assert "ganforge.load" not in names and "ganforge.stylize" not in names, path.name
    for path in sorted((SRC / "commands").glob("*.py")):
        assert "ganforge.load" not in imported_modules(path), path.name
