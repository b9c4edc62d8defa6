"""Moved to ``bplab.ui.diagram``; this name keeps learners' and older notebooks' imports working."""

import sys
from importlib import import_module

sys.modules[__name__] = import_module("bplab.ui.diagram")
