"""The project's own namespace: its settings and its command line (the stages are ingest, index, assistant)."""
