from .frechet import frechet_distance
from .registry import metric


@metric("classifier_fid", better="lower", needs="classifier", mnist_only=True,
        summary="Fréchet distance in the MNIST digit classifier's 128-d hidden features")
def classifier_fid(ctx) -> dict:
    return {"value": frechet_distance(ctx.real_classified[1], ctx.fake_classified[1])}
