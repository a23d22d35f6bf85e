"""Database plumbing shared by every app (the SQLite engine that waits out a busy database)."""
