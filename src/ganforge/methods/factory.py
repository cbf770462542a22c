"""Build a registered method: from its parts (`create_method`), or from a run config (`build_method`), the one
place where the run's data and train settings become the method's DataInfo and Runtime."""
from dataclasses import replace
from typing import Callable

import torch
import torch.nn as nn

from .registry import method_entry
from .base import DataInfo, Method, Runtime


def create_method(name: str, model_cfg, info: DataInfo, runtime: Runtime,
                  wrap: Callable[[nn.Module], nn.Module] | None = None) -> Method:
    """The method registered as `name`, built from its own config, a description of the data and the runtime."""
    entry = method_entry(name)
    return entry.cls(model_cfg, info, runtime, **({"wrap": wrap} if wrap else {}))


def runtime_of(train_cfg, device: torch.device) -> Runtime:
    """The runtime options a method reads from a run's `train` settings."""
    return Runtime(device=device, precision=train_cfg.precision, channels_last=train_cfg.channels_last,
                   sample_count=train_cfg.sample_count)


def data_info_of(data_cfg, info: DataInfo) -> DataInfo:
    """`info` (the data's shape and class names) with what the run's `data` settings say about two-domain data."""
    return replace(info, kind=data_cfg.name, image_size=data_cfg.image_size, direction=data_cfg.direction,
                   jitter=data_cfg.jitter)


def build_method(cfg, info: DataInfo, device: torch.device,
                 wrap: Callable[[nn.Module], nn.Module] | None = None) -> Method:
    """The method of a run config (`ganforge.config.RunConfig`: method, model, data, train) for data of `info`."""
    return create_method(cfg.method, cfg.model, data_info_of(cfg.data, info), runtime_of(cfg.train, device), wrap)
