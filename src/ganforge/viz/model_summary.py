"""A one-screen summary of a method's networks: each layer's type, output shape and parameter count.

One forward pass on a 1-image dummy input with hooks on every layer; in eval mode and without gradients, so
BatchNorm statistics, dropout and the global RNG are untouched (resume stays exact).
"""
import torch
import torch.nn as nn

from ..capabilities import RunPictures


def shape_text(output) -> str:
    if isinstance(output, torch.Tensor):
        return "x".join(str(s) for s in output.shape[1:]) or "scalar"
    if isinstance(output, (tuple, list)):
        return ", ".join(shape_text(o) for o in output)
    return "-"


def layer_rows(module: nn.Module, inputs: tuple) -> list[tuple[str, str, str, int]]:
    """(name, type, output shape, parameters): the whole network first (name '', all its parameters), then each
    layer with its own parameters, in the order the forward pass runs them; layers that hold parameters but did
    not run come last with shape '-'. Containers without own parameters are skipped, so the layers' counts add
    up to the network's total."""
    layers = {name: m for name, m in module.named_modules()
              if not name or (not list(m.children()) or any(True for _ in m.parameters(recurse=False)))}
    shapes: dict[str, str] = {}

    def record(name):
        def hook(module, inputs, output):  # returns None: a hook's return value would replace the output
            shapes.setdefault(name, shape_text(output))
        return hook

    hooks = [m.register_forward_hook(record(name)) for name, m in layers.items()]
    was_training = module.training
    module.eval()
    try:
        with torch.no_grad():
            module(*inputs)
    finally:
        module.train(was_training)
        for hook in hooks:
            hook.remove()
    order = ["", *(name for name in shapes if name), *(name for name in layers if name not in shapes)]
    return [(name, type(layers[name]).__name__, shapes.get(name, "-"),
             sum(p.numel() for p in layers[name].parameters(recurse=bool(not name)))) for name in order]


def summarize(title: str, module: nn.Module, inputs: tuple) -> str:
    """Lines for one network: a header with its total parameters, then one line per layer."""
    (_, network, output, total), *rows = layer_rows(module, inputs)
    width = max([len(r[0]) for r in rows] + [4])
    kind = max([len(r[1]) for r in rows] + [4])
    lines = [f"{title}: {network}, {total:,} parameters, output {output}"]
    lines += [f"  {name:<{width}}  {layer:<{kind}}  {shape:<14} {params:>11,}" for name, layer, shape, params in rows]
    return "\n".join(lines)


def method_summary(method) -> str | None:
    """The summary of every network a method offers through `summary_inputs()`; None when it offers none."""
    parts = method.summary_inputs() if isinstance(method, RunPictures) else []
    return "\n".join(summarize(title, module, inputs) for title, module, inputs in parts) or None
