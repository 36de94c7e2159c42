"""The ``committee`` command: a thin shell over ingest, the index and the assistant.

    committee ingest papers/            # PDFs, text or Markdown, folders recursively
    committee items --json              # what the registry found
    committee ask "When did the committee agree to tender the Hauxton extra care contract?"
    committee serve                     # the chat in a browser

Each module adds its commands to the one group in ``base``: ``papers`` (ingest, serve, bodies, restriction),
``registers`` (items, decisions, actions, declarations, lineage, briefs), ``ask`` (ask, chat, eval) and
``sources`` (source add, sync, sources).
"""
from committee.cli import ask, papers, registers, sources  # noqa: F401  (each adds its commands)
from committee.cli.base import main

__all__ = ["main"]

if __name__ == "__main__":  # pragma: no cover
    main()
