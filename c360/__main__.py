"""``python -m c360`` runs the CLI, as the ``c360`` script does."""

from c360.app.cli.main import main

main()
