"""Stage 3: understand a question, retrieve from the index, answer with checkable citations (or abstain)."""
