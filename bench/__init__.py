"""Benchmarks: each prints its figure against a floor measured in the same run.

``python -m bench`` (``make bench``) runs them all; each module also runs alone
(``python -m bench.import_10k``, ``python -m bench.api_list``).
"""
