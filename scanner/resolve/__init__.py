"""Resolving references: the database lookup, local model folders, the optional Hub."""
