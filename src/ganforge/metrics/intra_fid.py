from ..errors import GanforgeError
from .frechet import frechet_distance
from .registry import metric


# Against the main real split only: a held-out tenth split over classes leaves too few images per class.
@metric("intra_fid", better="lower", needs="inception", labels_only=True, conditional_only=True, every_split=False,
        summary="conditional runs: the mean over classes of the Inception FID of the samples asked for a class "
                "against the real images of that class (per_class alongside); shows collapse within a class")
def intra_fid(ctx) -> dict:
    real, fake = ctx.real_inception, ctx.fake_inception
    real_labels, asked = ctx.real.labels, ctx.asked_labels
    per_class, counts = {}, {}
    for k, name in enumerate(ctx.class_names):
        r, f = real[real_labels == k], fake[asked == k]
        counts[name] = len(r)
        # A covariance needs two images; classes the real split lacks are left out of the mean.
        per_class[name] = round(frechet_distance(r, f), 4) if len(r) >= 2 and len(f) >= 2 else None
    scored = [v for v in per_class.values() if v is not None]
    if not scored:
        raise GanforgeError(f"intra_fid: no class has 2 real and 2 generated images (eval.n={ctx.settings.n}); "
                            "raise eval.n or leave intra_fid out")
    return {"value": sum(scored) / len(scored), "per_class": per_class, "n_real_per_class": counts,
            "classes_scored": len(scored)}
