"""The layers of ganforge, lowest first: a module imports only from its own layer or the layers before it, and
no module imports the package root. tests/test_layers.py checks both (and that there is no import cycle).

Each entry names a top-level module or package of ganforge; a package's modules share its layer.
"""

LAYERS: list[tuple[str, tuple[str, ...]]] = [
    # Small helpers any layer may use: errors, cache folder, version, range checks, checkpoint files, and
    # declarations that import nothing of ganforge's above them (capabilities, style_options).
    ("shared", ("layers", "errors", "files", "version", "config_ranges", "config_io", "checkpoint", "allocator",
                "capabilities", "style_options")),
    # Files -> uint8 tensors, and what data to train on (DataConfig in data_config.py: beside data/, so that the
    # run config and the command line read it without importing torch).
    ("data", ("data_config", "data")),
    # Architectures: tensors in, tensors out, no training logic.
    ("nets", ("nets",)),
    # One file per training method, the method registry and factory (each method's own config dataclass lives in
    # its file), and what inference tools do with a trained method (latent walks, label rows, ONNX export).
    ("methods", ("methods", "registry", "latent", "latent_arithmetic", "labels", "label_rows", "export",
                 "style_transfer")),
    # The one training loop and what it writes: steps, budgets, logs, checkpoints, DDP. TrainConfig lives here
    # (train_config.py); evaluation and pictures come in through the hooks in loop_hooks.py.
    ("loop", ("trainer", "train_config", "loop_hooks", "distributed", "run_log", "run_mark", "progress_lines",
              "stop_signal")),
    # Read-only consumers of methods and runs: scores (EvalConfig in eval_config.py, the training evaluator in
    # metrics/training_evaluator.py) and pictures.
    ("metrics/viz", ("eval_config", "metrics", "viz")),
    # The run config that composes the layers' configs (config.py), the module that wires the loop to the
    # evaluator and pictures and starts training (launch.py), and loading runs for inference (api.py).
    ("api", ("ganforge", "config", "launch", "resume_checks", "api", "named_models", "run_index")),
    # Front ends over the API.
    ("front ends", ("commands", "app", "cli", "__main__")),
]


def layer_of(module: str) -> int:
    """The index in LAYERS of a module named like 'ganforge.data.folder'; KeyError for a module not listed."""
    parts = module.split(".")
    top = parts[1] if len(parts) > 1 else "ganforge"
    for index, (_, members) in enumerate(LAYERS):
        if top in members:
            return index
    raise KeyError(module)
