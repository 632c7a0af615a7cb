"""Headless subcommands. Each module: add_arguments(parser) and run(args) -> int; its one-line help is in
cli.COMMANDS. What they share (exit codes, UsageError, the folder and target options) is in `common`."""
