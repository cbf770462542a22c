import pytest

from ganforge.config import load_config, recipe_names
from ganforge.errors import GanforgeError
from ganforge.registry import method_entry


def test_every_recipe_resolves_to_typed_config():
    names = recipe_names()
    assert {"mnist-mlp-gan", "mnist-dcgan", "faces-dcgan", "mnist-cgan", "faces-cgan", "mnist-wgan",
            "mnist-wgan-gp"} <= set(names)
    for name in names:
        cfg = load_config(name)
        assert cfg.recipe == name
        assert isinstance(cfg.model, method_entry(cfg.method).config_cls)


def test_textbook_settings():
    wgan = load_config("mnist-wgan").model
    assert (wgan.loss, wgan.clip_value, wgan.optimizer, wgan.lr_discriminator, wgan.n_critic) == \
        ("wgan", 0.01, "rmsprop", 5e-5, 5)
    gp = load_config("mnist-wgan-gp").model
    assert gp.gradient_penalty == 10.0 and gp.betas[0] <= 0.5 and gp.d_norm != "batch"
    faces = load_config("faces-dcgan")
    assert (faces.data.image_size, faces.data.channels, faces.train.batch_size) == (64, 3, 128)
    assert faces.model.betas == [0.5, 0.999] and faces.model.lr_generator == 2e-4
    assert load_config("faces-cgan").model.embed_dim == 32


def test_overrides_are_typed():
    cfg = load_config("mnist-dcgan", ["train.batch_size=32", "model.latent_dim=64", "data.root=/x"])
    assert cfg.train.batch_size == 32 and cfg.model.latent_dim == 64 and cfg.data.root == "/x"


@pytest.mark.parametrize("override,needle", [
    ("train.batchsize=3", "train.batchsize"),
    ("model.latent_dim=many", "model.latent_dim"),
    ("nokey", "key=value"),
])
def test_bad_overrides_name_the_key(override, needle):
    with pytest.raises(GanforgeError, match=needle):
        load_config("mnist-dcgan", [override])


def test_unknown_recipe_lists_the_known_ones():
    with pytest.raises(GanforgeError, match="unknown recipe 'mnist-dcgna'.*mnist-dcgan"):
        load_config("mnist-dcgna")


def test_saved_config_round_trips():
    from ganforge.config import config_to_dict
    cfg = load_config("mnist-cgan", ["train.seed=7"])
    again = load_config(None, base=config_to_dict(cfg))
    assert again == cfg


def test_a_yaml_file_of_ones_own_is_a_recipe(tmp_path):
    path = tmp_path / "my-gan.yaml"
    path.write_text("method: gan\nmodel: {architecture: mlp, latent_dim: 7}\ntrain: {batch_size: 5}\n")
    cfg = load_config(str(path), ["train.seed=3"])
    assert (cfg.recipe, cfg.model.latent_dim, cfg.train.batch_size, cfg.train.seed) == ("my-gan", 7, 5, 3)
    path.write_text("model: {latent_dim: [\n")
    with pytest.raises(GanforgeError, match="cannot read recipe"):
        load_config(str(path))
