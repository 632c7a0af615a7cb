"""Domain logic of binder-wizard. Nothing in this package imports Textual (a test enforces it);
git and httpx are imported lazily inside the functions that use them, to keep start-up fast."""
