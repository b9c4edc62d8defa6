"""The five seeds' notations, mapped to bplab's names, and computed in each seed's own notation.

Every seed writes backpropagation (反向传播) with its own letters and its own layer
numbers. This package holds that as data, and computes each seed's quantities from its
OWN equations, so that a notebook can show that each mapping gives bplab's numbers.

* :data:`SEEDS`: what each seed is, its layer numbering, the Chinese terms it uses.
* :data:`CONCEPTS` and :data:`ENTRIES`: one row per (seed, concept): the seed's symbol,
  the Chinese term the seed itself uses, bplab's symbol and Python name, and a note.
* :func:`notation_table`: those rows as a table (HTML in a notebook, Markdown, or rows);
  :func:`concept_table`: bplab's own notation alone.
* :func:`in_seed_notation`: a seed's quantities for a bplab network and sample,
  computed with that seed's equations (not copied from bplab): symbol -> value.
* :func:`bplab_equivalents`: the same symbols, read from bplab's forward and backward
  pass through the mapping (``-grads.delta[l]`` for seed 002's local gradient, ...).
* :func:`compare`: both side by side; ``compare(...).raise_if_failed()`` raises if any differs.
* :data:`NOTEBOOKS`: the map of bplab's notebooks (for the start-here notebook).

Modules: ``seeds`` (the map as data), ``tables`` (the map and the notebooks as tables),
``in_seed`` (each seed's own equations), ``mapping`` (the same symbols read from bplab, and
the comparison).

The two traps the mapping has to get right:

* Seeds 001 and 003 count the INPUT as layer 1, bplab counts it as layer 0. So their
  z, a and delta of layer l are bplab's layer l - 1. Seed 001's w^l enters layer l, so
  w^l = bplab W^{l-1}. Seed 003's W^(l) LEAVES layer l (z^(l+1) = W^(l) a^(l) + b^(l)),
  so the two shifts cancel: W^(l) = bplab W^l, but it pairs with delta^(l+1).
* Seed 002 (Haykin) folds the minus sign into the error e_j = d_j - y_j, so its local
  gradient is delta_j = -dE/dv_j = -(bplab delta^l)_j, and its update is a PLUS:
  Delta w_ji = eta delta_j y_i.
"""

from __future__ import annotations

from .in_seed import EQUATIONS, in_seed_notation
from .mapping import READINGS, Comparison, ComparisonRow, Reading, Run, bplab_equivalents, compare
from .seeds import CONCEPTS, ENTRIES, SEED_IDS, SEEDS, Concept, NotationEntry, Seed
from .tables import NOTEBOOKS, DisplayTable, NotebookInfo, concept_table, entries, notation_table, notebook_map

__all__ = [
    "SEEDS", "SEED_IDS", "CONCEPTS", "ENTRIES", "Seed", "Concept", "NotationEntry",
    "DisplayTable", "entries", "notation_table", "concept_table", "NOTEBOOKS", "NotebookInfo", "notebook_map",
    "EQUATIONS", "in_seed_notation",
    "READINGS", "Reading", "Run", "bplab_equivalents", "Comparison", "ComparisonRow", "compare",
]
