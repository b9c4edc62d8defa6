"""The state of a training playground: a data set, a network, its training record.

    from bplab.playground import Playground
    pg = Playground("xor", hidden=[4], activation="tanh", lr=0.5)
    pg.epoch()          # one pass over the data with bplab.train
    pg.step()           # one weight update (one sample, the batch, or one mini-batch)
    pg.run(100)         # 100 epochs, stoppable between epochs: pg.request_stop()
    pg.history, pg.grad_norms, pg.accuracy

No widgets here: :class:`bplab.widgets.TrainingPlayground` is a view over this object,
and tests drive it directly. Training is bplab's own: :func:`bplab.train` for epochs,
``net.gradients`` + ``net.apply`` for a single update.

The output layer follows the loss: ``cross_entropy`` gets a softmax layer with one
neuron per class; ``half_sse`` and ``binary_cross_entropy`` get sigmoid outputs, one
neuron for two classes (target 0/1), else one per class (one-hot targets).
"""

from __future__ import annotations

import math
import threading
import time

import numpy as np

from .. import datasets as ds
from ..activations import ELEMENTWISE
from ..errors import choice, positive_int, positive_number, show
from ..losses import LOSS_NAMES
from ..network import Network
from ..training import MODES, History, TrainingDiverged, evaluate, train

DATASETS = ("xor", "moons", "circles", "spiral", "iris")
HIDDEN_ACTIVATIONS = tuple(ELEMENTWISE)


def load_dataset(name, n=200, noise=0.15, seed=0):
    """A 2-feature data set: the generated ones, or Iris on petal length and width
    (min-max scaled to [-1, 1] like the generated sets' range)."""
    choice(name, DATASETS, "dataset")
    if name == "iris":
        iris = ds.load_iris()
        scaled, _, _ = ds.minmax_scale(iris.X[:, 2:4])
        return ds.Dataset(2 * scaled - 1, iris.y, iris.class_names, iris.feature_names[2:4], "iris (petals)")
    return ds.GENERATORS[name](n=n, noise=noise, seed=seed)


def _check_hidden(hidden):
    if isinstance(hidden, (int, np.integer)) and not isinstance(hidden, bool):
        hidden = [hidden]
    if isinstance(hidden, str) or not hasattr(hidden, "__iter__"):
        raise TypeError(f"hidden must be a list of hidden layer sizes such as [4, 4] (or [] for none), got {show(hidden)}.")
    return [positive_int(h, f"hidden[{i}] (neurons in hidden layer {i + 1})") for i, h in enumerate(hidden)]


def parse_hidden(text):
    """"4, 4" -> [4, 4]; "" -> [] (a network with no hidden layer)."""
    parts = [p for p in str(text).replace(";", ",").replace(" ", ",").split(",") if p]
    try:
        return _check_hidden([int(p) for p in parts])
    except ValueError:
        raise ValueError(f"hidden must be whole numbers separated by commas, such as '4, 4', got {text!r}.") from None


class Playground:
    """A network being trained on a 2-D data set, one update, one epoch or many at a time."""

    NETWORK_SETTINGS = ("dataset", "hidden", "activation", "loss", "seed", "n", "noise")
    TRAINING_SETTINGS = ("lr", "mode", "batch_size", "weight_decay")

    def __init__(
        self,
        dataset="xor",
        hidden=(4,),
        activation="tanh",
        loss="cross_entropy",
        lr=0.1,
        mode="minibatch",
        batch_size=16,
        weight_decay=0.0,
        seed=0,
        n=200,
        noise=0.15,
    ):
        self.lock = threading.RLock()
        self._stop = threading.Event()
        self.running = False
        self._settings = {}
        self.configure(
            dataset=dataset,
            hidden=hidden,
            activation=activation,
            loss=loss,
            lr=lr,
            mode=mode,
            batch_size=batch_size,
            weight_decay=weight_decay,
            seed=seed,
            n=n,
            noise=noise,
        )

    # ------------------------------------------------------------ settings
    def _check(self, name, value):
        if name == "dataset":
            return choice(value, DATASETS, "dataset")
        if name == "hidden":
            return _check_hidden(value)
        if name == "activation":
            return choice(value, HIDDEN_ACTIVATIONS, "activation (of the hidden layers)")
        if name == "loss":
            return choice(value, LOSS_NAMES, "loss")
        if name == "lr":
            return positive_number(value, "lr (learning rate)")
        if name == "mode":
            return choice(value, MODES, "mode")
        if name == "batch_size":
            return positive_int(value, "batch_size")
        if name == "weight_decay":
            return positive_number(value, "weight_decay", allow_zero=True)
        if name == "seed":
            return positive_int(value, "seed", minimum=0)
        if name == "n":
            return positive_int(value, "n (number of samples)", minimum=10)
        if name == "noise":
            return positive_number(value, "noise", allow_zero=True)
        raise TypeError(
            f"unknown setting {name!r}; the settings are {', '.join(self.NETWORK_SETTINGS + self.TRAINING_SETTINGS)}."
        )

    def configure(self, **settings):
        """Change settings. Changing a NETWORK setting (data set, layers, activation, loss,
        seed) builds a new network; training settings (lr, mode, batch size, weight
        decay) apply from the next update on. Returns True when a new network was built."""
        checked = {k: self._check(k, v) for k, v in settings.items()}
        with self.lock:
            rebuild = not self._settings or any(
                k in self.NETWORK_SETTINGS and checked[k] != self._settings.get(k) for k in checked
            )
            self._settings.update(checked)
            if rebuild:
                self.new_network()
            else:
                self.history.mode, self.history.lr = self.mode, self.lr
            return rebuild

    def __getattr__(self, name):
        settings = self.__dict__.get("_settings", {})
        if name in settings:
            return settings[name]
        raise AttributeError(f"'Playground' object has no attribute {name!r}")

    @property
    def settings(self):
        return dict(self._settings)

    # ------------------------------------------------------------ set-up
    def new_network(self):
        """Fresh data and a freshly initialized network (same seed, same start)."""
        with self.lock:
            s = self._settings
            self.data = load_dataset(s["dataset"], n=s["n"], noise=s["noise"], seed=s["seed"])
            self.X, self.labels = self.data.X, self.data.y
            k = len(self.data.class_names)
            n_out = k if (s["loss"] == "cross_entropy" or k > 2) else 1
            out_act = "softmax" if s["loss"] == "cross_entropy" else "sigmoid"
            sizes = [self.X.shape[1], *s["hidden"], n_out]
            acts = [s["activation"]] * len(s["hidden"]) + [out_act]
            self.net = Network(sizes, acts, seed=s["seed"])
            self.Y = self.net.one_hot(self.labels) if n_out > 1 else self.labels[:, None].astype(float)
            self._rng = np.random.default_rng(s["seed"])
            self._order, self._cursor = self._rng.permutation(len(self.X)), 0
            self.history = History(s["mode"], s["lr"], s["batch_size"])
            self.epochs, self.updates = 0, 0
            self.diverged, self.message = False, "new network"
            self._start = time.perf_counter()
            self.grad_norm_history = []
            self._record(None)

    # ------------------------------------------------------------ measuring
    def evaluate(self):
        """(mean loss, accuracy) on the whole data set, with the current weights."""
        with self.lock, np.errstate(all="ignore"):
            return evaluate(self.net, self.X, self.Y, self.net.loss_function(self.loss))

    def gradient_norms(self):
        """{l: ||dC/dW^l||} on the whole data set (the plot that shows vanishing gradients)."""
        from ..metrics import layer_gradient_norms

        with self.lock, np.errstate(all="ignore"):
            return layer_gradient_norms(self.net.gradients(self.X, self.Y, self.loss))

    @property
    def loss_value(self):
        return self.history.loss[-1]

    @property
    def accuracy(self):
        return self.history.accuracy[-1]

    @property
    def grad_norms(self):
        return self.grad_norm_history[-1]

    def weight_norm(self):
        """sum_l ||W^l||^2 (what weight decay keeps small)."""
        return float(sum((W * W).sum() for W in self.net.weights))

    def _record(self, step_loss):
        C, acc = self.evaluate()
        h = self.history
        h.loss.append(C)
        h.accuracy.append(acc)
        h.updates.append(self.updates)
        h.seconds.append(time.perf_counter() - self._start)
        if step_loss is not None:
            h.step_loss.append(step_loss)
        self.grad_norm_history.append(self.gradient_norms())
        if not math.isfinite(C) or not np.isfinite(self.net.theta).all():
            self._diverge(f"the loss became {C}")

    def _diverge(self, why):
        self.diverged = True
        self.message = (
            f"diverged: {why}. The learning rate lr={self.lr:g} is probably too large;"
            " lower it and build a new network."
        )

    # ------------------------------------------------------------ training
    def _next_batch(self):
        m = len(self.X)
        size = {"sample": 1, "batch": m}.get(self.mode, min(self.batch_size, m))
        if self.mode == "batch":
            return np.arange(m)
        if self._cursor + size > m:
            self._order, self._cursor = self._rng.permutation(m), 0
        idx = self._order[self._cursor : self._cursor + size]
        self._cursor += size
        return idx

    def step(self):
        """One weight update on the next sample / mini-batch / the whole batch. Returns self."""
        with self.lock:
            if self.diverged:
                return self
            idx = self._next_batch()
            with np.errstate(all="ignore"):
                grads = self.net.gradients(self.X[idx], self.Y[idx], self.loss)
            if not math.isfinite(grads.loss) or not np.isfinite(grads.flat).all():
                self._diverge(f"the batch loss became {grads.loss}")
                return self
            with np.errstate(all="ignore"):
                self.net.apply(grads, self.lr, self.weight_decay)
            self.updates += 1
            self.message = f"update {self.updates}: batch of {len(idx)}, batch loss before {grads.loss:.4g}"
            self._record(grads.loss)
        return self

    def epoch(self):
        """One epoch with :func:`bplab.train` (every sample once, in the chosen mode). Returns self."""
        with self.lock:
            if self.diverged:
                return self
            mode, bs = self.mode, min(self.batch_size, len(self.X))
            try:
                h = train(
                    self.net,
                    self.X,
                    self.Y,
                    mode=mode,
                    batch_size=bs,
                    lr=self.lr,
                    epochs=1,
                    loss=self.loss,
                    weight_decay=self.weight_decay,
                    seed=int(self._rng.integers(2**31)),
                    progress=False,
                )
            except TrainingDiverged as exc:
                self._diverge(str(exc).split(".")[0])
                return self
            self.epochs += 1
            self.updates += h.updates[-1]
            self.history.step_loss.extend(h.step_loss)
            self.message = f"epoch {self.epochs}: loss {h.loss[-1]:.4g}"
            self._record(None)
        return self

    def request_stop(self):
        """Ask a running :meth:`run` to stop after the epoch it is in."""
        self._stop.set()

    def run(self, epochs, on_epoch=None, stop=None):
        """Up to ``epochs`` epochs, checking between epochs whether to stop.

        ``on_epoch(done, total)`` is called after each epoch; ``stop`` is an optional
        callable returning True to stop (``request_stop()`` works too). Returns the
        number of epochs run.
        """
        epochs = positive_int(epochs, "epochs")
        self._stop.clear()
        self.running = True
        done = 0
        try:
            for done in range(1, epochs + 1):
                self.epoch()
                if on_epoch is not None:
                    on_epoch(done, epochs)
                if self.diverged or self._stop.is_set() or (stop is not None and stop()):
                    break
            else:
                done = epochs
        finally:
            self.running = False
        return done

    def __repr__(self):
        s = self._settings
        return (
            f"Playground({s['dataset']!r}, sizes={self.net.sizes}, activation={s['activation']!r}, loss={s['loss']!r},"
            f" lr={s['lr']:g}, mode={s['mode']!r}, epochs={self.epochs}, updates={self.updates},"
            f" loss_value={self.loss_value:.4g})"
        )
