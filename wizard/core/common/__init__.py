"""What every step shares: diagnostics, the user-facing error type, safe text, file reading, config,
and the project's git facts. Imports no step slice."""
