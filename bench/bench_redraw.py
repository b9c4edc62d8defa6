"""The training playground's frame: how long one redraw of the whole view takes.

A Run animates: ``speed`` epochs, then a redraw of every picture (the network with a map per
neuron, the confidence-shaded output, the loss and gradient-norm charts, the status line), at
most ``fps`` frames a second. For at least 10 view updates a second the redraw must leave room
in a 100 ms frame; the goal is at most 50 ms a redraw at the default size (spiral, two hidden
layers of 8, 30% test samples shown), on 2 cores.

Reported side by side in this process: the redraw alone, and a whole frame at the default
speed (5 epochs + the redraw); their ratio is how much of a frame drawing takes. Then a whole Run
of the default 300 epochs, paced as in the notebook: how long it lasts and how many view updates a
second it makes (kernel side; the browser test counts them in the page).

    python bench/bench_redraw.py [--tiny] [--rounds N]
"""

from __future__ import annotations

import time

from _common import Row, bench_parser, fmt_seconds, interleaved, report

FULL = dict(rounds=40)
TINY = dict(rounds=3)
GOAL = 0.050  # seconds per redraw


def run(tiny=False, rounds=None):
    try:
        from bplab.widgets import TrainingPlayground
    except ImportError as exc:
        return [Row("playground: time per redraw (whole view)", "<= 50 ms", "missing", None, str(exc))], str(exc)
    rounds = rounds or (TINY if tiny else FULL)["rounds"]
    w = TrainingPlayground(background=False, dataset="spiral", hidden=[8, 8], test_fraction=0.3)
    w.show_test.value = True
    w.state.run(20)  # a network that has trained a little: curves with history

    def frame():
        w.state.run(w.speed.value)
        w.redraw()

    times = interleaved({"redraw": w.redraw, "frame": frame}, rounds)

    # a whole Run as a learner starts it: the default epochs at the default speed, paced in a background thread
    run = TrainingPlayground(background=True, dataset="spiral", hidden=[8, 8], test_fraction=0.3)
    epochs = 30 if tiny else int(run.n_epochs.value)
    t0 = time.perf_counter()
    run.run(epochs)
    run.wait(600)
    lasted = time.perf_counter() - t0
    redraw = sorted(times["redraw"])[len(times["redraw"]) // 2]  # the median: what a learner sees
    whole = sorted(times["frame"])[len(times["frame"]) // 2]
    sizes = {name: len(getattr(w, name).value) for name in ("network", "output_map", "loss_chart", "gradient_chart")}
    detail = (
        f"TrainingPlayground(dataset='spiral', hidden=[8, 8], test_fraction=0.3), test samples shown: median redraw"
        f" {fmt_seconds(redraw)} (best {fmt_seconds(min(times['redraw']))}, worst {fmt_seconds(max(times['redraw']))})"
        f" over {rounds}; a whole frame at the default speed ({w.speed.value} epochs + redraw) median"
        f" {fmt_seconds(whole)}: drawing is {redraw / whole:.0%} of it. Characters sent per frame: {sizes}."
        f" A Run of {epochs} epochs at {run.speed.value} epochs per frame (at most {run.fps} frames a second) lasted"
        f" {lasted:.1f} s with {run.frames - 1} redraws: {(run.frames - 1) / lasted:.1f} view updates a second"
    )
    note = f"a frame (training + redraw) takes {fmt_seconds(whole)}; drawing is {redraw / whole:.0%} of it"
    return [Row("playground: time per redraw (whole view)", "<= 50 ms", fmt_seconds(redraw), redraw <= GOAL, note)], detail


def main(argv=None):
    args = bench_parser(__doc__, "three rounds (for the tests)").parse_args(argv)
    return report("Playground redraw", run, args.tiny, args.rounds)


if __name__ == "__main__":
    main()
