"""The regulations as code (法规标准计算核心): pure functions, each citing its clause.

Nothing in this package imports Django; the web application calls it and never re-implements a
threshold. Modules:

- :mod:`~anjian.standards.gb18218`: GB 18218-2018 major hazard installations (S, R, level);
- :mod:`~anjian.standards.gas_detection`: GB/T 50493-2019 gas detector alarm set points;
- :mod:`~anjian.standards.risk`: LEC and LS risk evaluation, four risk levels and colours;
- :mod:`~anjian.standards.accident`: accident grades, reporting and investigation (国务院令第493号);
- :mod:`~anjian.standards.safety_fund`: safety fund extraction (财资〔2022〕136号);
- :mod:`~anjian.standards.training`: training hours and special operation certificates;
- :mod:`~anjian.standards.emergency`: emergency plan drills, evaluation and filing;
- :mod:`~anjian.standards.major_danger`: major-hidden-danger criteria as structured data.

Run ``python -m anjian.standards <topic> < input.json`` to check a number from the shell.
Every fact carries a check status (:class:`Status`); see ``docs/standards.md``.
"""

from anjian.standards._base import Status

__all__ = ["Status"]
