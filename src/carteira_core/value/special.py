"""scipy.special's functions for the models, imported on first use: scipy.special takes a
command about 0.3 s to import, and most commands never fit a model."""

from typing import Any


def __getattr__(name: str) -> Any:
    import scipy.special

    return getattr(scipy.special, name)
