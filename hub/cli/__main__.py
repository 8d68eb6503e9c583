"""`python -m hub.cli` is the same as the `c360` command."""

from hub.cli.main import main

main()
