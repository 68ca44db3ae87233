"""Ouroboros's stand-in for the `openevolve` package, so that OpenEvolve evaluators import as they are.

Only `openevolve.evaluation_result` is provided: the one module evaluators import.
"""
