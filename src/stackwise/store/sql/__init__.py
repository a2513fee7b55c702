"""The SQL implementation of the store: SQLAlchemy Core over SQLite or PostgreSQL."""
