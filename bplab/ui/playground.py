"""The state of a training playground: a data set, a network, its training record.

    from bplab.playground import Playground
    pg = Playground("xor", hidden=[4], activation="tanh", lr=0.5, test_fraction=0.3)
    pg.epoch()          # one pass over the training samples with bplab.train
    pg.step()           # one weight update (one sample, the batch, or one mini-batch)
    pg.run(100)         # 100 epochs, stoppable between epochs: pg.request_stop()
    pg.history, pg.grad_norms, pg.accuracy, pg.test_loss
    pg.lr = 0.3         # the same as pg.configure(lr=0.3): checked, and every view is told

No widgets here: :class:`bplab.widgets.TrainingPlayground` is a view over this object,
and tests drive it directly. Training is bplab's own: :func:`bplab.train` for epochs,
``net.gradients`` + ``net.apply`` for a single update.

The output layer follows the loss: ``cross_entropy`` gets a softmax layer with one
neuron per class; ``half_sse`` and ``binary_cross_entropy`` get sigmoid outputs, one
neuron for two classes (target 0/1), else one per class (one-hot targets).

Divergence, the rule: training stops and ``diverged`` becomes True when the loss or a
weight stops being a finite number, or when the training loss grows to more than
``DIVERGENCE_FACTOR`` (10) times the loss of the untrained network. A loss that high means
the steps overshoot the valley again and again instead of descending into it.

Every change is all or nothing: an exception or an interrupt (Ctrl-C, KeyboardInterrupt) in
the middle of a step or an epoch puts the weights, the counters and the record back to where
that step or epoch started.
"""

from __future__ import annotations

import contextlib
import math
import numbers
import threading
import time

import numpy as np

from .. import datasets as ds
from ..activations import ELEMENTWISE
from ..errors import _show, choice, positive_int, positive_number
from ..losses import LOSS_NAMES
from ..network import Network
from ..training import MODES, History, TrainingDiverged, accuracy, train

DATASETS = ("xor", "moons", "circles", "spiral", "iris")
HIDDEN_ACTIVATIONS = tuple(ELEMENTWISE)
MAX_HIDDEN_LAYERS = 6
MAX_NEURONS = 64
MAX_SAMPLES = 2000
MAX_NOISE = 1.0
MAX_TEST_FRACTION = 0.9
DIVERGENCE_FACTOR = 10.0

# One sentence per setting: the values it accepts (shown by the widget beside its control).
ALLOWED = {
    "dataset": "one of " + ", ".join(DATASETS),
    "hidden": f"at most {MAX_HIDDEN_LAYERS} hidden layers of 1 to {MAX_NEURONS} neurons, such as '4, 4' (empty: none)",
    "activation": "one of " + ", ".join(HIDDEN_ACTIVATIONS),
    "loss": "one of " + ", ".join(LOSS_NAMES),
    "lr": "a number > 0",
    "mode": "one of " + ", ".join(MODES),
    "batch_size": "a whole number >= 1",
    "weight_decay": "a number >= 0, such as 0.001",
    "seed": "a whole number >= 0",
    "n": f"a whole number of samples from 10 to {MAX_SAMPLES}",
    "noise": f"a number from 0 to {MAX_NOISE:g}",
    "test_fraction": f"a share from 0 to {MAX_TEST_FRACTION:g} of the samples",
}


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
    if isinstance(hidden, (str, bytes, dict)) or not hasattr(hidden, "__iter__"):
        raise TypeError(f"hidden must be a list of hidden layer sizes such as [4, 4] (or [] for none), got {_show(hidden)}.")
    hidden = list(hidden)
    if len(hidden) > MAX_HIDDEN_LAYERS:
        raise ValueError(f"hidden may have at most {MAX_HIDDEN_LAYERS} layers, got {len(hidden)}: {hidden}.")
    sizes = [positive_int(h, f"hidden[{i}] (neurons in hidden layer {i + 1})") for i, h in enumerate(hidden)]
    for i, h in enumerate(sizes):
        if h > MAX_NEURONS:
            raise ValueError(f"hidden[{i}] (neurons in hidden layer {i + 1}) must be at most {MAX_NEURONS}, got {h}.")
    return sizes


def parse_hidden(text):
    """"4, 4" -> [4, 4]; "" -> [] (a network with no hidden layer).

    Each size must be a whole number from 1 to MAX_NEURONS, and there are at most
    MAX_HIDDEN_LAYERS sizes. The error is one short line (a widget shows it beside its box)
    that names the value received and the values allowed."""
    if not isinstance(text, str):
        raise TypeError(f"hidden must be a text such as '4, 4', got {_show(text)}.")
    parts = [p for p in text.replace(";", ",").replace(" ", ",").split(",") if p]
    sizes = []
    for part in parts:
        try:
            sizes.append(int(part))
        except ValueError:
            raise ValueError(f"{part!r} is not a whole number; type sizes such as 4, 4 (empty: no hidden layer).") from None
    if len(sizes) > MAX_HIDDEN_LAYERS:
        raise ValueError(f"{len(sizes)} hidden layers; at most {MAX_HIDDEN_LAYERS} are allowed.")
    for i, h in enumerate(sizes):
        if not 1 <= h <= MAX_NEURONS:
            rule = "neurons must be at least 1" if h < 1 else f"at most {MAX_NEURONS} are allowed"
            raise ValueError(f"layer {i + 1} has {h} neurons; {rule} (1 to {MAX_NEURONS}).")
    return sizes


def parse_whole(text, name, minimum=1, maximum=None):
    """A whole number typed in a text box: "12" -> 12; "2.9", "ten", "0" get a sentence, never a truncation."""
    stripped = str(text).strip()
    allowed = f"a whole number from {minimum}" + (f" to {maximum}" if maximum is not None else " up")
    try:
        value = int(stripped)
    except ValueError:
        raise ValueError(f"{name} must be {allowed}, got {stripped!r}.") from None
    if value < minimum or (maximum is not None and value > maximum):
        raise ValueError(f"{name} must be {allowed}, got {value}.")
    return value


def parse_number(text, name, minimum=0.0):
    """A number typed in a text box: "0.01" -> 0.01; "abc", "-1", "nan" get a sentence."""
    stripped = str(text).strip()
    try:
        value = float(stripped)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < minimum:
        raise ValueError(f"{name} must be a number >= {minimum:g}, got {stripped!r}.")
    return value


def _bounded(value, name, low, high):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number from {low:g} to {high:g}, got {_show(value)}.")
    value = float(value)
    if not (low <= value <= high):
        raise ValueError(f"{name} must be from {low:g} to {high:g}, got {value!r}.")
    return value


class Playground:
    """A network being trained on a 2-D data set, one update, one epoch or many at a time.

    Settings (``pg.lr``, ``pg.hidden``, ...) are read as attributes and changed with
    :meth:`configure` or by assignment (``pg.lr = 0.3``), which is the same call: checked
    like the constructor's arguments, and every observer (a widget) is told. Everything
    else (``net``, ``epochs``, ``history`` ...) is read-only.
    """

    NETWORK_SETTINGS = ("dataset", "hidden", "activation", "loss", "seed", "n", "noise", "test_fraction")
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
        test_fraction=0.0,
    ):
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._running = False
        self._settings = {}
        self._observers = []
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
            test_fraction=test_fraction,
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
            n = positive_int(value, "n (number of samples)", minimum=10)
            if n > MAX_SAMPLES:
                raise ValueError(f"n (number of samples) must be at most {MAX_SAMPLES}, got {n}.")
            return n
        if name == "noise":
            return _bounded(value, "noise", 0.0, MAX_NOISE)
        if name == "test_fraction":
            return _bounded(value, "test_fraction (share of the samples held out for testing)", 0.0, MAX_TEST_FRACTION)
        raise TypeError(
            f"unknown setting {name!r}; the settings are {', '.join(self.NETWORK_SETTINGS + self.TRAINING_SETTINGS)}."
        )

    def configure(self, **settings):
        """Change settings. Changing a NETWORK setting (data set, layers, activation, loss,
        seed, samples, noise, test share) builds a new network; training settings (lr, mode,
        batch size, weight decay) apply from the next update on. Every value is checked
        before anything changes. Returns True when a new network was built."""
        checked = {k: self._check(k, v) for k, v in settings.items()}
        with self._lock:
            changed = {k: v for k, v in checked.items() if self._settings.get(k, object()) != v}
            rebuild = not self._settings or any(k in self.NETWORK_SETTINGS for k in changed)
            old = dict(self._settings)
            saved = dict(self.__dict__)  # a rebuild rebinds attributes, never mutates them: this undoes it
            self._settings = {**old, **checked}
            try:
                if rebuild:
                    self.new_network()
                else:
                    self._history.mode, self._history.lr = self.mode, self.lr
            except BaseException:  # an interrupt too: the old network and settings, whole
                self.__dict__.clear()
                self.__dict__.update(saved)
                raise
        if changed and old:
            self._tell(changed)
        return rebuild

    def observe(self, callback):
        """Call ``callback(changed)`` with the dict of changed settings after every change."""
        self._observers.append(callback)

    def _tell(self, changed):
        for callback in list(self._observers):
            callback(dict(changed))

    def __getattr__(self, name):
        settings = self.__dict__.get("_settings", {})
        if name in settings:
            return settings[name]
        raise AttributeError(f"'Playground' object has no attribute {name!r}")

    def __setattr__(self, name, value):
        if name.startswith("_"):
            object.__setattr__(self, name, value)
        elif name in self.NETWORK_SETTINGS + self.TRAINING_SETTINGS:
            self.configure(**{name: value})
        else:
            raise AttributeError(
                f"Playground.{name} is read-only; the settings you can assign are"
                f" {', '.join(self.NETWORK_SETTINGS + self.TRAINING_SETTINGS)}."
            )

    @property
    def settings(self):
        return dict(self._settings)

    # ------------------------------------------------------------ set-up
    def new_network(self):
        """Fresh data and a freshly initialized network (same seed, same start)."""
        with self._lock:
            s = self._settings
            self._data = load_dataset(s["dataset"], n=s["n"], noise=s["noise"], seed=s["seed"])
            X, labels = self._data.X, self._data.y
            held_out = int(round(s["test_fraction"] * len(X)))
            order = np.random.default_rng(s["seed"] + 1).permutation(len(X))
            train_idx, test_idx = np.sort(order[held_out:]), np.sort(order[:held_out])
            k = len(self._data.class_names)
            n_out = k if (s["loss"] == "cross_entropy" or k > 2) else 1
            out_act = "softmax" if s["loss"] == "cross_entropy" else "sigmoid"
            sizes = [X.shape[1], *s["hidden"], n_out]
            acts = [s["activation"]] * len(s["hidden"]) + [out_act]
            self._net = Network(sizes, acts, seed=s["seed"])
            targets = self._net.one_hot(labels) if n_out > 1 else labels[:, None].astype(float)
            self._X, self._labels, self._Y = X[train_idx], labels[train_idx], targets[train_idx]
            self._X_test, self._labels_test, self._Y_test = X[test_idx], labels[test_idx], targets[test_idx]
            self._rng = np.random.default_rng(s["seed"])
            self._order, self._cursor = self._rng.permutation(len(self._X)), 0
            self._history = History(s["mode"], s["lr"], s["batch_size"])
            self._epochs, self._updates = 0, 0
            self._diverged, self._message = False, "new network"
            self._start = time.perf_counter()
            self._grad_norm_history = []
            self._record(None)

    # ------------------------------------------------------------ measuring
    def _loss_and_accuracy(self, X, Y):
        if len(X) == 0:
            return None, None
        with np.errstate(all="ignore"):
            return float(self._net.loss(X, Y, self.loss)), accuracy(self._net, X, Y)

    def evaluate(self):
        """(mean loss, accuracy) on the training samples, with the current weights."""
        with self._lock:
            return self._loss_and_accuracy(self._X, self._Y)

    def evaluate_test(self):
        """(mean loss, accuracy) on the test samples, or (None, None) without a test set."""
        with self._lock:
            return self._loss_and_accuracy(self._X_test, self._Y_test)

    def gradient_norms(self):
        """{l: ||dC/dW^l||} on all the training samples (the plot that shows vanishing gradients)."""
        with self._lock, np.errstate(all="ignore"):
            grads = self._net.gradients(self._X, self._Y, self.loss)
            return {l: float(np.linalg.norm(grads.dW[l])) for l in range(1, self._net.L + 1)}

    def dead_layers(self):
        """The hidden layers l where f'(z^l) = 0 for every neuron on every training sample
        (for ReLU: every z <= 0, "every ReLU is dead"): no gradient passes through them."""
        with self._lock, np.errstate(all="ignore"):
            trace = self._net.forward(self._X)
            dead = []
            for l in range(1, self._net.L):
                if not np.any(self._net.layer_activation(l).df(trace.z[l], trace.a[l])):
                    dead.append(l)
            return dead

    def gradient_notes(self, norms=None):
        """{l: sentence} for every layer whose gradient norm is exactly 0, saying why.

        With layer j dead (f' = 0 everywhere), delta^j = 0, so dC/dW^j = 0 and every delta
        below it is 0 too (BP2 multiplies by f'); and dC/dW^(j+1) = delta^(j+1) (a^j)^T is 0
        when a^j = 0 (ReLU). So W^1 .. W^(j+1) get no gradient."""
        norms = self.grad_norms if norms is None else norms
        zeros = [l for l, v in norms.items() if v == 0]
        if not zeros:
            return {}
        dead = self.dead_layers()
        with self._lock, np.errstate(all="ignore"):
            a = self._net.forward(self._X).a
        notes = {}
        for l in zeros:
            causes = [j for j in dead if j >= l or (j == l - 1 and not np.any(a[j]))]
            if causes:
                j = causes[0]
                if set(self._net.layer_activation(j).names) == {"relu"}:
                    notes[l] = f"0: every ReLU in layer {j} is dead"
                else:  # a sigmoid or tanh so far out on its flat tails that f'(z) rounds to 0
                    notes[l] = f"0: every neuron in layer {j} is saturated (f' = 0)"
            else:
                notes[l] = "0: no error reaches this layer (every error term delta is 0)"
        return notes

    @property
    def loss_value(self):
        """The training loss at the last record."""
        return self._history.loss[-1]

    @property
    def test_loss(self):
        """The test loss at the last record (None without a test set)."""
        return self._history.val_loss[-1] if self._history.val_loss else None

    @property
    def accuracy(self):
        return self._history.accuracy[-1]

    @property
    def test_accuracy(self):
        return self._history.val_accuracy[-1] if self._history.val_accuracy else None

    @property
    def grad_norms(self):
        return self._grad_norm_history[-1]

    def weight_norm(self):
        """sum_l ||W^l||^2 (what weight decay keeps small)."""
        return float(sum((W * W).sum() for W in self._net.weights))

    def _record(self, step_loss):
        """Append one record (computed first, appended after, so nothing is half-written)."""
        C, acc = self.evaluate()
        tC, tacc = self.evaluate_test()
        norms = self.gradient_norms()
        seconds = time.perf_counter() - self._start
        h = self._history
        h.loss.append(C)
        h.accuracy.append(acc)
        if tC is not None:
            h.val_loss.append(tC)
            h.val_accuracy.append(tacc)
        h.updates.append(self._updates)
        h.seconds.append(seconds)
        if step_loss is not None:
            h.step_loss.append(step_loss)
        self._grad_norm_history.append(norms)
        if not math.isfinite(C):
            self._diverge(f"the loss became {C}")
        elif C > DIVERGENCE_FACTOR * h.loss[0]:
            self._diverge(
                f"the training loss grew from {h.loss[0]:.3g} to {C:.3g}, more than {DIVERGENCE_FACTOR:g} times its start"
            )

    def _diverge(self, why):
        self._diverged = True
        self._message = (
            f"diverged: {why}. The learning rate lr={self.lr:g} is probably too large;"
            " lower it and build a new network."
        )

    @contextlib.contextmanager
    def _all_or_nothing(self):
        """Undo every change made inside the block if it raises (an interrupt included)."""
        h = self._history
        lengths = {k: len(v) for k, v in h.as_dict().items()}
        seconds = len(h.seconds)
        saved = (self._net.theta.copy(), self._epochs, self._updates, self._diverged, self._message,
                 len(self._grad_norm_history), self._order, self._cursor, self._rng.bit_generator.state)  # fmt: skip
        try:
            yield
        except BaseException:
            theta, self._epochs, self._updates, self._diverged, self._message, n_norms, self._order, self._cursor, rng = saved
            self._net.theta[...] = theta
            self._rng.bit_generator.state = rng
            for k, n in lengths.items():
                del getattr(h, k)[n:]
            del h.seconds[seconds:]
            del self._grad_norm_history[n_norms:]
            raise

    # ------------------------------------------------------------ training
    def _next_batch(self):
        m = len(self._X)
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
        with self._lock, self._all_or_nothing():
            if self._diverged:
                return self
            idx = self._next_batch()
            with np.errstate(all="ignore"):
                grads = self._net.gradients(self._X[idx], self._Y[idx], self.loss)
            if not math.isfinite(grads.loss) or not np.isfinite(grads.flat).all():
                self._diverge(f"the batch loss became {grads.loss}")
                return self
            saved = self._net.theta.copy()
            with np.errstate(all="ignore"):
                self._net.apply(grads, self.lr, self.weight_decay)
            if not np.isfinite(self._net.theta).all():
                self._net.theta[...] = saved  # the weights never hold inf or NaN
                self._diverge("a weight overflowed to infinity in the update")
                return self
            self._updates += 1
            self._message = f"update {self._updates}: batch of {len(idx)}, batch loss before {grads.loss:.4g}"
            self._record(grads.loss)
        return self

    def epoch(self):
        """One epoch with :func:`bplab.train` (every training sample once, in the chosen mode). Returns self."""
        with self._lock, self._all_or_nothing():
            if self._diverged:
                return self
            mode, bs = self.mode, min(self.batch_size, len(self._X))
            try:
                h = train(
                    self._net,
                    self._X,
                    self._Y,
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
            self._epochs += 1
            self._updates += h.updates[-1]
            self._history.step_loss.extend(h.step_loss)
            self._message = f"epoch {self._epochs}: loss {h.loss[-1]:.4g}"
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
        self._running = True
        done = 0
        try:
            for n in range(1, epochs + 1):
                if self._diverged:
                    break
                self.epoch()
                done = n
                if on_epoch is not None:
                    on_epoch(done, epochs)
                if self._diverged or self._stop.is_set() or (stop is not None and stop()):
                    break
        finally:
            self._running = False
        return done

    def __repr__(self):
        s = self._settings
        return (
            f"Playground({s['dataset']!r}, sizes={self._net.sizes}, activation={s['activation']!r}, loss={s['loss']!r},"
            f" lr={s['lr']:g}, mode={s['mode']!r}, epochs={self._epochs}, updates={self._updates},"
            f" loss_value={self.loss_value:.4g})"
        )


# Read-only views of the state (each reads the private attribute of the same name with a "_"):
# a learner reads them; only the Playground's own methods change them.
READ_ONLY = {
    "lock": "the lock held while the state changes",
    "net": "the network being trained",
    "data": "the whole data set (training and test samples)",
    "X": "the training samples, one per row",
    "labels": "the training samples' class labels",
    "Y": "the training targets, as the network's output sees them",
    "X_test": "the test samples (none when test_fraction is 0)",
    "labels_test": "the test samples' class labels",
    "Y_test": "the test targets",
    "history": "per-record loss, accuracy, test loss (val_loss) and updates",
    "grad_norm_history": "{l: ||dC/dW^l||} at every record",
    "epochs": "epochs trained",
    "updates": "weight updates made",
    "diverged": "True once training diverged (see the module's rule)",
    "message": "one line on the last thing that happened",
    "running": "True while run() trains",
}
for _name, _doc in READ_ONLY.items():
    setattr(Playground, _name, property(lambda self, _private="_" + _name: getattr(self, _private), doc=_doc))
del _name, _doc
