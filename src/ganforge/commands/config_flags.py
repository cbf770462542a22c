"""Command-line flags made from a config dataclass's fields, so a command does not declare the fields again:
`--real-n` is EvalConfig.real_n, with its type (a list takes several values, a bool is a switch) and default."""
import argparse
import dataclasses
import types
import typing


def field_type(annotation) -> tuple[type, bool]:
    """(the scalar type, whether it is a list) of an annotation such as Optional[float] or list[int]."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        annotation = next(a for a in typing.get_args(annotation) if a is not type(None))
    if typing.get_origin(annotation) is list:
        return typing.get_args(annotation)[0], True
    return annotation, False


def default_text(value) -> str:
    return " ".join(map(default_text, value)) if isinstance(value, list) else f"{value:g}" \
        if isinstance(value, float) else str(value)


def add_field_flags(parser, cls: type, helps: dict[str, str | None], choices: dict[str, typing.Sequence] = {},
                    defaults: dict[str, object] = {}, unset: bool = False) -> None:
    """One flag per field named in `helps`, in that order (a one-letter field is `-n`). The flag's default is the
    field's (or `defaults`'); with `unset` it is None, so only what the user gives is passed on, and the help
    names the field's default."""
    hints = typing.get_type_hints(cls)
    own = {f.name: f for f in dataclasses.fields(cls)}
    for name, text in helps.items():
        kind, is_list = field_type(hints[name])
        field = own[name]
        default = defaults.get(name, field.default if field.default_factory is dataclasses.MISSING
                               else field.default_factory())
        if unset and text is not None and default not in (None, [], False):
            text = f"{text} (default {default_text(default)})"
        flag = f"-{name}" if len(name) == 1 else f"--{name.replace('_', '-')}"
        options = {"help": text, "default": None if unset else default}
        if kind is bool:
            parser.add_argument(flag, action="store_true", **options)
            continue
        if name in choices:
            options["choices"] = list(choices[name])
        parser.add_argument(flag, type=kind, nargs="*" if is_list else None, **options)


def field_values(args: argparse.Namespace, names, given_only: bool = False) -> dict:
    """The parsed values of the flags add_field_flags made, by field name (`given_only`: those not None)."""
    values = {name: getattr(args, name) for name in names}
    return {k: v for k, v in values.items() if v is not None} if given_only else values
