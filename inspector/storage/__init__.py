"""Records (SQLAlchemy), the photo store and the audit chain."""
