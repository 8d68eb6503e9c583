"""The `c360` command line."""
