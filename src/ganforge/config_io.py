"""A config dataclass as a plain dict (saved in checkpoints) or YAML (config.yaml beside every run)."""
from omegaconf import OmegaConf


def config_to_dict(cfg) -> dict:
    return OmegaConf.to_container(OmegaConf.structured(cfg))


def config_to_yaml(cfg) -> str:
    return OmegaConf.to_yaml(OmegaConf.structured(cfg))
