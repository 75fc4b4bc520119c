"""Near-duplicates: the same story printed by several sources, folded into one result.

``signature.py`` makes each document's MinHash signature over word shingles
of its normalized text when it is indexed; ``groups.py`` joins the documents
whose signatures agree into groups when an index is opened.  The rule and
its threshold, and how well they do on labelled pairs, are in
docs/archive.md.
"""
