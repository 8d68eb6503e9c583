"""The local Redis the shared-limit tests use (`.ci/run` starts one)."""

__all__ = ["REDIS_URL"]

REDIS_URL = "redis://127.0.0.1:6379/0"
