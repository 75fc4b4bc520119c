"""Snippets: the matches of a parsed query marked in a document's text, as written.

``letter_spots.py`` finds where a match may stand by its letters;
``highlight.py`` marks the words and cuts the fragments.
"""
