"""Search: a query's text to ranked document numbers.

``parse.py`` parses the query syntax and expands each word through the
analysis; ``ranking.py`` holds the settings, ``bm25f.py`` the scoring,
``term_at_a_time.py`` scores whole postings arrays; ``suggest.py`` makes
"did you mean".
"""
