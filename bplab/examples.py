"""Seed 004's worked numeric example: a 2-3-2-1 sigmoid network and one sample.

``worked_example()`` returns the network exactly as the article's matrices give it.
``worked_example("as_printed")`` changes one weight, w(2,5) = W^2[1, 1], from 2 to 3:
that is the value the article's printed z5 was computed with (see notebook 08).

``PRINTED`` holds the numbers as the article PRINTS them. They are not computed by
bplab: they are the reference we compare against, typed in from the article.
"""

from __future__ import annotations

import numpy as np

from .network import Network

W1 = [[2, 1], [1, 3], [3, 2]]
B1 = [1, 2, 3]
W2 = [[1, 1, 2], [3, 2, 2]]
B2 = [2, 1]
W3 = [[1, 3]]
B3 = [2]
X = [1, 2]
Y = 1
LEARNING_RATE = 0.1

# The article's printed values (seed 004, part 1), typed in for comparison only.
PRINTED = {
    "z1": 5.0,
    "f1": 0.993307149075715,
    "z2": 9.0,
    "f2": 0.999876605424014,
    "z3": 10.0,
    "f3": 0.999954602131298,
    "z4": 5.993092958762325,
    "f4": 0.997510281884102,
    "z5": 8.979460467761783,
    "f5": 0.999874045072167,
    "z6": 5.997132417100603,
    "f6": 0.997520293823002,
    "f6'(z6)": 0.002473557234274,
    "(y_hat - y)": -0.002479706176998,
    "delta3": -0.000006133695153,
    "f4'(z4)": 0.002483519419601,
    "f5'(z5)": 0.000125939063189,
    "delta2": [-0.000000015233151, -0.000000002317415],
    "f1'(z1)": 0.006648056670790,
    "f2'(z2)": 0.000123379349765,
    "f3'(z3)": 0.000045395807355,
    "delta1": [-0.000000000147490, -0.000000000002451, -0.000000000001593],
}

# Where each printed neuron value sits in bplab's trace: name -> (layer, neuron index).
NEURONS = {
    "1": (1, 0),
    "2": (1, 1),
    "3": (1, 2),
    "4": (2, 0),
    "5": (2, 1),
    "6": (3, 0),
}

VARIANTS = ("matrix", "as_printed")


def worked_example(variant="matrix"):
    """``(net, x, y)`` of seed 004's example. ``variant`` is "matrix" or "as_printed"."""
    from .errors import choice

    choice(variant, VARIANTS, "variant")
    W2 = np.array(globals()["W2"], dtype=float)
    if variant == "as_printed":
        W2[1, 1] = 3.0
    net = Network.from_weights([W1, W2, W3], [B1, B2, B3], activations="sigmoid")
    return net, np.array(X, dtype=float), np.array([Y], dtype=float)
