"""`ganforge eval` and `ganforge stylize` make their flags from the config dataclasses' fields."""
import dataclasses

import pytest

from ganforge.cli import build_parser
from ganforge.commands import eval as eval_command
from ganforge.commands import stylize as stylize_command
from ganforge.config import EvalConfig
from ganforge.style_options import GatysOptions


def parse(*argv):
    return build_parser().parse_args(list(argv))


def test_eval_flags_are_eval_config_fields_with_its_defaults():
    args = parse("eval", "RUN")
    defaults = EvalConfig()
    for name in eval_command.FLAGS:
        expected = 10000 if name == "n" else getattr(defaults, name)
        assert getattr(args, name) == expected, name
    args = parse("eval", "RUN", "-n", "7", "--real-n", "5", "--batch-size", "3", "--split", "test")
    assert (args.n, args.real_n, args.batch_size, args.split) == (7, 5, 3, "test")
    replaced = dataclasses.replace(defaults, **{name: getattr(args, name) for name in eval_command.FLAGS})
    assert replaced.real_n == 5 and replaced.n == 7
    with pytest.raises(SystemExit):
        parse("eval", "RUN", "--precision", "fp16")


def test_stylize_passes_on_only_the_options_given():
    args = parse("stylize", "a.png", "b.png", "--tv-weight", "0.5", "--coarse-sizes", "64", "128",
                 "--preserve-color", "--optimizer", "adam")
    given = stylize_command.field_values(args, stylize_command.GATYS_FLAGS, given_only=True)
    assert given == {"tv_weight": 0.5, "coarse_sizes": [64, 128], "preserve_color": True, "optimizer": "adam"}
    assert GatysOptions(**given).tv_weight == 0.5
    assert stylize_command.field_values(parse("stylize", "a.png", "b.png"), stylize_command.GATYS_FLAGS,
                                        given_only=True) == {}
    help_text = build_parser()._subparsers._group_actions[0].choices["stylize"].format_help()
    assert "total-variation weight (default 0.001)" in help_text  # GatysOptions.tv_weight
