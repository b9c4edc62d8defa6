"""bplab: learn backpropagation (反向传播) by reading, running and checking it.

The core (numpy only) is imported here; ``bplab.symbolic`` (sympy), ``bplab.plots``
(matplotlib) and ``bplab.widgets`` (ipywidgets) load only when first used, so that
``import bplab`` stays fast.
"""

from importlib import import_module

from . import datasets
from .activations import ACTIVATION_NAMES
from .examples import worked_example
from .gradcheck import gradcheck
from .losses import LOSS_NAMES
from .network import Gradients, Layers, Network, Trace
from .training import History, TrainingDiverged, accuracy, train

__version__ = "0.1.0"

_LAZY = ("ui", "graph", "stepper", "diagram", "playground", "symbolic", "plots", "widgets", "notation", "transforms", "variants", "reference", "metrics", "exercises")

__all__ = [
    "ACTIVATION_NAMES",
    "LOSS_NAMES",
    "Gradients",
    "History",
    "Layers",
    "Network",
    "Trace",
    "TrainingDiverged",
    "accuracy",
    "datasets",
    "gradcheck",
    "train",
    "worked_example",
    *_LAZY,
]


def __getattr__(name):
    if name in _LAZY:
        return import_module(f".{name}", __name__)
    raise AttributeError(f"module 'bplab' has no attribute {name!r}")
