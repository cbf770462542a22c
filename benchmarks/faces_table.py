"""The faces reference table (reference_results.py on face recipes): FID/KID against the training faces and
the held-out ones, conditional accuracy overall and per attribute, intra-class FID per class."""
import os
from datetime import date
from pathlib import Path


def regenerate_lines(command: str, args, after_seed: str = "") -> list[str]:
    """The command that remakes a results table and how its runs were trained (RESULTS.md and FACES.md)."""
    return ["Regenerate with:", "", "```bash", command, "```", "",
            f"- Training: each recipe's defaults, {args.threads} thread(s), stopped after {args.minutes:g} minutes of "
            f"training (`--minutes`; evaluation time not counted), seed {args.seed}.{after_seed}"]


def against(row: dict, name: str, split: str) -> dict | None:
    """A metric's record against one real split: 'fid' (the main split, train for faces) or 'fid/test'."""
    record = row.get(f"{name}/{split}") or row.get(name)
    return record if record is not None and record.get("split") == split else None


def value(record: dict | None, digits: int = 2, std: bool = False) -> str:
    if record is None or record["value"] is None:
        return "—"
    text = f"{record['value']:.{digits}f}"
    return text + (f" ± {record['std']:.{digits}f}" if std and "std" in record else "")


def attributes(row: dict) -> str:
    parts = [r for name, r in row.items() if isinstance(r, dict) and name.startswith("conditional_accuracy/")]
    return ", ".join(f"{r['attribute']} {r['value']:.3f}" for r in parts) or "—"


def per_class_lines(rows: list[dict]) -> list[str]:
    """One line per conditional recipe: each class's intra-FID (vs train) and conditional accuracy."""
    lines = []
    for row in rows:
        intra, accuracy = against(row, "intra_fid", "train"), row.get("conditional_accuracy")
        if intra is None or accuracy is None:
            continue
        cells = [f"{name} {'—' if fid is None else f'{fid:.1f}'} / {accuracy['per_class'][name]:.2f}"
                 for name, fid in intra["per_class"].items()]
        lines.append(f"- {row['recipe']}: " + "; ".join(cells))
    if lines:
        lines.insert(0, "Per class, intra-FID vs the training faces of that class / conditional accuracy:")
        lines.append("")
    return lines


def write_faces_markdown(rows: list[dict], args, command: str) -> str:
    first = rows[0]
    fid = against(first, "fid", "train")
    kid_train, kid_test = against(first, "kid", "train"), against(first, "kid", "test")
    clf = first.get("class_score") or first["coverage"]
    fid_n = args.fid_n or args.n
    held_out = (f"the {kid_test['n_real']:,} held-out faces" if kid_test else
                "no held-out faces (the runs trained without data.holdout: the 'held-out' columns are empty)")
    accuracy = ", ".join(f"{k.removeprefix('classifier_test_accuracy/')} {v:.2%}" for k, v in clf.items()
                         if k.startswith("classifier_test_accuracy/"))
    lines = [
        "# Reference results: the face recipes on a CPU",
        "",
        f"Measured {date.today()} on the 2-core development machine, ganforge {fid['ganforge']}, torch {fid['torch']}.",
        "",
        *regenerate_lines(command, args),
        f"- FID and KID: {fid_n:,} generated images against the {kid_train['n_real']:,} training faces (the usual "
        f"convention for face GANs) and against {held_out}; the reference TF Inception network (sha256 "
        f"`{fid['feature_net_sha256'][:12]}…`), `{fid['resizer']}` to {fid['image_size']}, fp32. "
        "**KID is the primary number here:** with fewer than 10,000 real images FID is biased upwards (and more "
        "so against the few held-out faces), KID is unbiased. KID is the mean ± std over 100 subsets.",
        f"- Class metrics: {args.n:,} generated images, read by a small CNN trained once (seeded, cached) on the "
        f"{clf['classifier_trained_on']:,} training faces' labels: held-out accuracy "
        f"{clf['classifier_test_accuracy']:.2%}" + (f" ({accuracy})" if accuracy else "")
        + f" on {clf['classifier_tested_on']}. Conditional accuracy: how often a face asked for a class is read as "
        "that class (the real held-out faces score the classifier's accuracy); per attribute for several "
        "attributes. Coverage: the fraction of classes drawn at least half their fair share.",
        f"- Intra-FID: per class, the Inception FID of the {fid_n:,} / (number of classes) faces asked for it against "
        "the training faces of that class; the mean over classes (per class below). It shows a collapse within "
        "a class that the overall FID hides.",
        "- Every number is also a JSON line with its full provenance in the run's `metrics.jsonl`.",
        "",
        "| recipe | CPU-min | steps | KID vs train | KID vs held-out | FID vs train | FID vs held-out | intra-FID "
        "| cond. accuracy | per attribute | coverage | samples |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        grid = Path(os.path.relpath(Path(row["grid"]).resolve(), Path(args.results).resolve().parent))
        lines.append(
            f"| {row['recipe']} | {row['train_minutes'] * row['threads']:.1f} | {row['steps']:,} | "
            f"{value(against(row, 'kid', 'train'), 4, std=True)} | {value(against(row, 'kid', 'test'), 4, std=True)} | "
            f"{value(against(row, 'fid', 'train'))} | {value(against(row, 'fid', 'test'))} | "
            f"{value(against(row, 'intra_fid', 'train'))} | {value(row.get('conditional_accuracy'), 3)} | "
            f"{attributes(row)} | {value(row.get('coverage'))} | ![{row['recipe']}]({grid}) |")
    lines += ["", *per_class_lines(rows),
              f"Evaluation time per recipe on {args.eval_threads} thread(s), not counted above: "
              + ", ".join(f"{r['recipe']} {r['eval_seconds'] / 60:.1f} min" for r in rows) + ".", ""]
    return "\n".join(lines)
