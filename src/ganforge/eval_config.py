"""What to score and how: the metrics layer's own config (the run config composes it as `eval`)."""
from dataclasses import dataclass
from typing import Optional

from .config_ranges import NON_NEGATIVE, POSITIVE, declare_ranges


@dataclass
class EvalConfig:
    every: int = 0  # evaluate samples every N training steps into metrics.jsonl, keeping best.pt; 0: never
    metrics: str = "auto"  # comma-separated (`ganforge eval --help` lists them); auto picks by dataset
    n: int = 2000  # generated images: 2000 is a quick check during training; publish 10000 (`ganforge eval`)
    split: str = "auto"  # real images to compare with: auto | train | test | both (`ganforge eval --help`)
    real_n: int = 10000  # real images: the whole split, or a fixed random subset of this many
    best: str = ""  # the metric that picks best.pt; "" = the first one evaluated
    seed: int = 0
    weights: Optional[str] = None  # FID Inception file; GANFORGE_WEIGHTS, the cache or its URL when unset
    precision: str = "fp32"  # feature network: fp32 | bf16 (opt-in fast mode, features ~2 % off fp32)
    runtime: str = "auto"  # feature network on a CPU in fp32: auto (ONNX Runtime, ~2x faster, same features) | torch
    batch_size: int = 50
    direction: Optional[str] = None  # image-to-image runs: translated held-out inputs vs targets (CycleGAN: AtoB)
    held_out_pairs: int = 16  # image-to-image training scores this fixed subset each epoch, all pairs at the end; 0: all


declare_ranges(EvalConfig, every=NON_NEGATIVE, n=POSITIVE, real_n=POSITIVE, seed=NON_NEGATIVE, batch_size=POSITIVE,
               held_out_pairs=NON_NEGATIVE)
