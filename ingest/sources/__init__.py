"""Papers fetched from a council's publishing system (ModernGov, Legistar, RSS/Atom feeds) and ingested with
what the system states about them: ``committee source add`` and ``committee sync`` (``sync.sync``)."""
