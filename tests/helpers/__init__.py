"""Helpers shared by several test packages (fixtures stay in conftest files)."""
