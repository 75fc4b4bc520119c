"""Ingest: a folder of documents into a new index generation.

``documents.py`` reads files (text, Markdown, JSON, JSON Lines, HTML) and says
why any is skipped; ``build.py`` runs ``rebuild`` and ``update`` through the
analysis into storage.
"""
