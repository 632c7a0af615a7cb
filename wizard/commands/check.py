"""`binder-wizard check` — placeholder until its issue lands."""

import sys


def add_arguments(parser):
    parser.add_argument("path", nargs="?", default=".", metavar="PATH")


def run(args) -> int:
    print("binder-wizard check: not yet available", file=sys.stderr)
    return 2
