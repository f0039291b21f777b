"""Graded risk control (风险分级管控) and the four-colour risk maps."""
