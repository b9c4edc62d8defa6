"""The interface: what a learner looks at and clicks, kept apart from the core it shows.

- ``stepper``: the plain state of the propagation stepper (every step's formula, numbers, diagram);
  ``steps`` builds each kind of step, ``stepper_html`` (with ``mathml`` and ``formats``) shows them,
  in the widget and in the offline page of ``Stepper.to_html()``.
- ``diagram``: the network drawn as SVG.
- ``figures``: the derivation notebooks' pictures as SVG (a network with one weight w^l_jk highlighted,
  the one-neuron chain, BP2).
- ``playground``: the plain state of the training playground.
- ``playground_view``: the playground's pictures as SVG text and PNG bytes, drawn with numpy alone.
- ``widgets``: thin ipywidgets views over that state (needs ipywidgets); the playground's widget is in
  ``playground_widget``.
- ``plots``: matplotlib figures (needs matplotlib).

Everything here imports the core (``bplab.network``, ``bplab.training``, ...); nothing in the core
imports this package. The old paths ``bplab.stepper``, ``bplab.widgets``, ... still work.
"""
