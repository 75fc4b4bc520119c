"""Storage: the Whoosh index on disk and how it is read fast.

``schema.py`` (the fields, the analysis version), ``generations.py`` (index
generations, the atomic swap, the rebuild lock, damage checks),
``segment_writer.py`` (segments written a term at a time) with
``collector.py``, ``posting_columns.py`` (postings as memory-mapped arrays),
``columns_codec.py`` (Whoosh reading them), ``relatives.py`` and
``relative_index.py`` (roots and 4-grams through the exact terms),
``whoosh_postings.py`` (Whoosh's posting blocks, in indexes written before),
``positions.py`` (phrases on arrays), ``id_order.py`` (the order of ties).
"""
