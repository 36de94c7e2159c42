"""Stage 1: turn committee papers (PDF, text, Markdown) into structured pages, items, minutes, actions and chunks.

Nothing here writes to storage; :func:`ingest.pipeline.parse_paper` is pure, so a
file that fails leaves nothing behind.
"""
