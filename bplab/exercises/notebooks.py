"""Every exercise of the notebooks: its truth and the slips it recognises, computed here from bplab.

Each notebook's objects are rebuilt here by the same calls the notebook makes (the worked example,
a data set, a seeded network), so the learner's cell holds only the blank and ``check("NN.k", answer)``.
The solutions edition, executed by the test suite, is what keeps these in step with the notebooks:
every check there must come out correct.

A slip is recognised by computing its value (what the formula with that mistake gives) and comparing
the answer with it, the same way the answer is compared with the truth.

The exercises are written in two modules, by notebook: :mod:`bplab.exercises.nb01_07` and
:mod:`bplab.exercises.nb08_14`; the slips many of them share are in :mod:`bplab.exercises.slips`.
Importing this module registers them all.
"""

from . import nb01_07, nb08_14  # noqa: F401  (each registers its exercises on import)
