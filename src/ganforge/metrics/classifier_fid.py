from .frechet import frechet_distance
from .registry import metric


@metric("classifier_fid", better="lower", needs="classifier", labels_only=True,
        summary="Fréchet distance in the data's classifier's 128-d hidden features (MNIST digits, folder labels)")
def classifier_fid(ctx) -> dict:
    return {"value": frechet_distance(ctx.real_classified[1], ctx.fake_classified[1])}
