"""binder-wizard: from "runs on my laptop" to a working Binder badge."""

__version__ = "0.1.0"
