"""Stage 2: storage. The SQLite registry (structure, registers, FTS5 lexical index) and the Chroma vector store."""
