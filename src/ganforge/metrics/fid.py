from .frechet import frechet_distance
from .registry import metric


@metric("fid", better="lower", needs="inception",
        summary="Fréchet Inception Distance, the reference TF network's 2048-d pool features")
def fid(ctx) -> dict:
    return {"value": frechet_distance(ctx.real_inception, ctx.fake_inception)}
