"""Rebuild the starter models shipped in src/ganforge/starters/ (`ganforge.load("starter:mnist-cgan")`).

    GANFORGE_DATA=../shared/data python scripts/make_starters.py             # trains both (~15 CPU-minutes)
    python scripts/make_starters.py --from-runs mnist-vae=RUN               # slims a run trained before

Each starter is a slim checkpoint (generator or VAE, fp16 weights, config, data description), a sample grid and
a line in starters.json with its sha256, which loading checks. With --slim RUN OUT.pt it only writes one slim
checkpoint (for publishing a run in named_models.PRETRAINED).
"""
import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from ganforge.files import file_sha256  # noqa: E402
from ganforge.named_models import slim_checkpoint  # noqa: E402

OUT = ROOT / "src" / "ganforge" / "starters"
# name -> (how it is trained, what it is)
STARTERS = {
    "mnist-cgan": (["mnist-cgan", "--steps", "2500"], "class-conditional DCGAN on MNIST: ask for a digit"),
    "mnist-vae": (["mnist-vae", "--minutes", "3"], "VAE with a 2-d latent on MNIST: manifold and scatter"),
}


def train(name: str, runs: Path) -> Path:
    from ganforge.cli import main
    how, _ = STARTERS[name]
    code = main(["train", *how, "--out", str(runs), "--name", name, "train.threads=1", "train.tensorboard=false",
                 "train.seed=0"])
    if code:
        sys.exit(code)
    return runs / name


def build(name: str, run: Path) -> dict:
    import ganforge
    from ganforge.viz import save_grid
    path = slim_checkpoint(run, OUT / f"{name}.pt")
    model = ganforge.load(path)
    labels = None
    if model.conditional:  # one row per class
        import torch
        labels = torch.arange(len(model.class_names)).repeat_interleave(10)
    images = model.method.sample(100, labels=labels, seed=0)
    save_grid(images, OUT / f"{name}.png", nrow=10)
    return {"file": path.name, "sha256": file_sha256(path), "method": model.config.method, "step": model.step,
            "what": STARTERS[name][1],
            "made_by": f"scripts/make_starters.py (ganforge train {' '.join(STARTERS[name][0])})"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--from-runs", nargs="+", metavar="NAME=RUN", help="slim these runs instead of training")
    parser.add_argument("--runs", default="runs/starters", help="where the trainings go (default runs/starters)")
    parser.add_argument("--slim", nargs=2, metavar=("RUN", "OUT"), help="only write RUN's slim checkpoint to OUT")
    args = parser.parse_args()
    if args.slim:
        out = slim_checkpoint(*args.slim)
        print(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB, sha256 {file_sha256(out)})")
        return
    given = dict(item.split("=", 1) for item in args.from_runs or [])
    OUT.mkdir(parents=True, exist_ok=True)
    index_file = OUT / "starters.json"
    index = json.loads(index_file.read_text()) if index_file.is_file() else {}
    for name in (given or STARTERS):  # --from-runs rebuilds only the starters it names
        run = Path(given[name]) if name in given else train(name, Path(args.runs))
        index[name] = build(name, run)
        print(f"{name}: step {index[name]['step']}, {(OUT / index[name]['file']).stat().st_size / 1e6:.2f} MB")
    index_file.write_text(json.dumps(dict(sorted(index.items())), indent=1) + "\n")


if __name__ == "__main__":
    main()
