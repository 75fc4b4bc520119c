"""The PostgreSQL backend's storage; so far the local cluster for development and tests (cluster.py)."""
