"""Search: a query's text to ranked document numbers.

``parse.py`` parses the query syntax; ``expand_*.py`` and ``expansion.py``
expand each word, phrase and prefix through the analysis into its terms,
``query_cost.py`` keeps the expansion within its budget; ``ranking.py`` holds the settings, ``bm25f.py`` the scoring,
``term_at_a_time.py`` scores whole postings arrays; ``suggest.py`` makes
"did you mean".
"""
