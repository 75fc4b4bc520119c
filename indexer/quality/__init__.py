"""Quality: retrieval measured on test collections (``python -m indexer evaluate``).

It drives the engine's facade like the command line does; ``metrics.py``
holds MRR, nDCG and recall.
"""
