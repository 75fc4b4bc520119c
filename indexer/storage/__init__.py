"""Storage: the Whoosh index on disk and how it is read fast.

``schema.py`` (the fields, the analysis version), ``generations.py`` (index
generations, the atomic swap, the rebuild lock, damage checks),
``segment_writer.py`` (segments written a term at a time) with
``collector.py``, ``posting_columns.py`` (postings as memory-mapped arrays),
``whoosh_postings.py`` and ``block_pickles.py`` (Whoosh's posting blocks),
``positions.py`` (phrases on arrays), ``id_order.py`` (the order of ties).
"""
