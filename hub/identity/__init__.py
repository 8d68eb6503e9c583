"""Master customer index: identity resolution building blocks."""

__all__: list[str] = []
