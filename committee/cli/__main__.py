"""``python -m committee.cli``: the same command as ``committee`` (tests run it in subprocesses)."""
from committee.cli import main

main()
