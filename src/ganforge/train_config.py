"""How the loop trains: the loop layer's own config (the run config composes it as `train`)."""
from dataclasses import dataclass

from .config_ranges import NON_NEGATIVE, POSITIVE, declare_ranges


@dataclass
class TrainConfig:
    batch_size: int = 128
    steps: int = 0  # budgets: the first one reached stops the run; all 0 means one epoch
    epochs: float = 0.0
    minutes: float = 0.0  # wall-clock minutes from now
    # CPU time of this process (all its threads), evaluation excluded: a budget that stays fair on a shared
    # machine, where wall minutes depend on what else runs (benchmarks/ablation.py uses it)
    cpu_minutes: float = 0.0
    seed: int = 0
    log_every: int = 25
    sample_every: int = 500
    checkpoint_every: int = 1000
    checkpoint_minutes: float = 5.0  # also save every this many minutes, so a killed run loses little; 0: off
    keep_every: int = 0  # also keep checkpoints/step_NNNNNNN.pt every N steps (last.pt is always kept); 0 = off
    sample_count: int = 64
    device: str = "auto"  # auto | cpu | cuda | cuda:N
    threads: int = 0  # torch threads; 0 keeps torch's default
    precision: str = "auto"  # auto: bf16 where the CPU/GPU has native bf16, else fp32 | bf16 (autocast) | fp32
    channels_last: bool = True
    compile: bool = False
    tune_malloc: bool = True  # Linux/glibc: reuse freed tensor memory instead of page-faulting it in every step
    out_dir: str = "runs"
    name: str = ""  # run folder out_dir/NAME (`--name`); "" = RECIPE-DATE-TIME
    progress: bool = True  # a bar on a terminal, plain lines in a file (CI, nohup); false: silent
    progress_every: float = 30.0  # seconds between plain progress lines when the output is not a terminal (0: every step)
    tensorboard: bool = True


declare_ranges(TrainConfig, batch_size=POSITIVE, steps=NON_NEGATIVE, epochs=NON_NEGATIVE, minutes=NON_NEGATIVE,
               cpu_minutes=NON_NEGATIVE, seed=NON_NEGATIVE, log_every=POSITIVE, sample_every=POSITIVE, checkpoint_every=POSITIVE,
               checkpoint_minutes=NON_NEGATIVE, keep_every=NON_NEGATIVE, progress_every=NON_NEGATIVE,
               sample_count=POSITIVE, threads=NON_NEGATIVE)
