"""Headless subcommands. Each module: HELP text in cli.COMMANDS, add_arguments(parser), run(args) -> int."""
