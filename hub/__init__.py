"""c360 hub: the master customer index and everything that serves it."""

__version__ = "0.1.0"

__all__ = ["__version__"]
