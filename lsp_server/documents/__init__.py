"""Open documents: text, version, cursor positions (and, later, incremental trees)."""
