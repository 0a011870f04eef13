#!/usr/bin/env python3
# plot_tutorials.py: the tutorials' experiments for scripts/tutorials.sh: the plan (which workload under
# which model, schedule and worker count), the tutorials' published times, the comparison table of a
# finished run directory (our medians beside theirs, both speedups), and its figures: a bar chart per
# experiment and the tutorials' per-task timeline (one line per task, start to stop, one panel per model).
# --plan and --table need only the Python standard library; --plots needs matplotlib (tutorials.sh runs it
# under the python that scripts/plot.py --probe finds).
"""usage: scripts/plot_tutorials.py --plan | --table DIR | --plots DIR [--check]

  --plan        print the plan, one run a line: experiment workload workers model schedule
  --table DIR   read DIR/runs.csv (rows of primes --csv), write DIR/comparison.csv and DIR/table.txt,
                print the table
  --plots DIR   write DIR/plots/bars-EXPERIMENT.png and DIR/plots/timeline-EXPERIMENT.png from
                DIR/runs.csv and DIR/traces/EXPERIMENT-MODEL-SCHEDULE.csv
  --check       with --plots: also print what each figure drew (for tests)
  -h, --help    this text

Exit status: 0 done, 1 no matplotlib (--plots), 2 bad usage or input."""

import csv
import math
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))  # beside plotlib.py, wherever it is installed
from plotlib import InputError, model_color  # noqa: E402
from plotlib import read_trace as read_trace_items  # noqa: E402
from plotlib import usage_error as plotlib_usage_error  # noqa: E402

# The tutorials' own measurements, as their readers know them: experiment -> [(setup, seconds, as quoted)].
TUTORIAL = {
    "products": [("sequential", 10.0, "about 10 s"), ("4 processes", 4.0, "a little over 4 s")],
    "counting": [("serial", 76.6, "76.6 s"), ("4 threads", 74.9, "74.9 s"), ("4 processes", 20.2, "20.2 s"),
                 ("pool of 4", 22.0, "22.0 s")],
    "files": [("serial", 8.3, "8.3 s"), ("threads", 7.5, "7.5 s"), ("processes", 3.3, "3.3 s")],
    "waiting": [("sync", 3.0, "3.0 s"), ("threads", 1.0, "1.0 s"), ("asyncio", 1.0, "1.0 s")],
    "calls": [("sequential", 7.0, "7.0 s"), ("concurrent", 4.0, "4.0 s")],
}
TUTORIAL_MACHINE = {"products": "a 1.1 GHz quad-core i5"}


# Each experiment: name, workload, workers, what it shows, and its runs as (model, schedule, the
# tutorial's setup it stands beside or None). One task per worker (the tutorials' one Thread or Process per
# task) is the static schedule; a pool (Pool, ThreadPoolExecutor) is dynamic; batch is the tutorials'
# start-W-then-join-W workaround.
EXPERIMENTS = [
    ("products", "products", 4, "CPU-bound with big numbers: products of primes by naive division",
     [("serial", "static", "sequential"), ("omp", "static", None), ("pthreads", "static", None),
      ("fork", "static", "4 processes"), ("events", "static", None), ("mpi", "static", "4 processes")]),
    ("counting", "counting", 4, "CPU-bound: four loops counting to 9^9",
     [("serial", "static", "serial"), ("omp", "static", "4 threads"), ("pthreads", "static", "4 threads"),
      ("fork", "static", "4 processes"), ("fork", "dynamic", "pool of 4"), ("events", "static", None),
      ("mpi", "static", "4 processes")]),
    ("files", "files", 4, "writing: four files of 8^8 lines (the page cache)",
     [("serial", "static", "serial"), ("omp", "static", "threads"), ("pthreads", "static", "threads"),
      ("fork", "static", "processes"), ("events", "static", None), ("mpi", "static", "processes")]),
    ("files-sync", "files-sync", 4, "writing to the disk: the same files, fsync'ed before closing",
     [("serial", "static", None), ("pthreads", "static", None), ("fork", "static", None),
      ("mpi", "static", None)]),
    ("waiting", "waiting", 3, "waiting: three waits of 1 s",
     [("serial", "static", "sync"), ("omp", "static", "threads"), ("pthreads", "static", "threads"),
      ("fork", "static", None), ("events", "static", "asyncio"), ("mpi", "static", None)]),
    ("calls", "calls", 2, "waiting: two calls of 4 s and 3 s",
     [("serial", "static", "sequential"), ("omp", "static", "concurrent"), ("pthreads", "static", "concurrent"),
      ("fork", "static", "concurrent"), ("events", "static", "concurrent"), ("mpi", "static", "concurrent")]),
    ("idle", "idle", 5, "15 idle tasks (2 s waits) on 5 workers",
     [("serial", "dynamic", None), ("omp", "dynamic", None), ("pthreads", "dynamic", None),
      ("fork", "dynamic", None), ("events", "dynamic", None), ("events", "batch", None),
      ("mpi", "dynamic", None)]),
    ("busy", "busy", 5, "15 busy tasks (sums to 10^8) on 5 workers",
     [("serial", "dynamic", None), ("omp", "dynamic", None), ("pthreads", "dynamic", None),
      ("fork", "dynamic", None), ("events", "dynamic", None), ("mpi", "dynamic", None)]),
    ("mixed", "mixed", 6, "six different functions side by side (task parallelism)",
     [("serial", "static", None), ("omp", "static", None), ("pthreads", "static", None),
      ("fork", "static", None), ("events", "static", None), ("mpi", "static", None)]),
    ("pool-products", "products", 2, "the four products on 2 workers: batch rounds against a pool",
     [("pthreads", "batch", None), ("pthreads", "dynamic", None), ("fork", "batch", None),
      ("fork", "dynamic", None)]),
    ("pool-mixed", "mixed", 3, "the six mixed tasks on 3 workers: batch rounds against a pool",
     [("pthreads", "batch", None), ("pthreads", "dynamic", None), ("fork", "batch", None),
      ("fork", "dynamic", None)]),
]
# What the tasks of the mixed workload are (primes' src/kernels/tasks.c, in task order).
TASK_LABELS = {"mixed": ["0 product", "1 count", "2 sum", "3 file", "4 wait", "5 sieve"]}
TASK_LABELS["pool-mixed"] = TASK_LABELS["mixed"]
TIMELINES = {"idle": ["pthreads", "fork", "events", "mpi"], "busy": ["pthreads", "fork", "events", "mpi"],
             "mixed": ["pthreads", "fork", "events", "mpi"], "pool-mixed": ["pthreads", "fork"],
             "pool-products": ["pthreads", "fork"]}


def usage_error(message):
    plotlib_usage_error(message, "plot_tutorials.py")


def tutorial_seconds(experiment, setup):
    for name, seconds, quoted in TUTORIAL.get(experiment, []):
        if name == setup:
            return seconds, quoted
    return None, None


def tutorial_serial(experiment):
    rows = TUTORIAL.get(experiment)
    return rows[0][1] if rows else None


def trace_name(experiment, model, schedule):
    return "%s-%s-%s.csv" % (experiment, model, schedule)


def print_plan():
    for name, workload, workers, _, runs in EXPERIMENTS:
        for model, schedule, _ in runs:
            print(name, workload, workers, model, schedule)


def read_runs(directory):
    """Timed runs by (workload, model, schedule, workers): wall times, and the provenance of the last."""
    path = os.path.join(directory, "runs.csv")
    if not os.path.exists(path):
        usage_error("%s: no such file (run scripts/tutorials.sh first)" % path)
    runs = {}
    with open(path, newline="") as f:
        for line, row in enumerate(csv.DictReader(f), start=2):
            if row.get("schema") == "schema" or row.get("kernel") != "tasks":
                continue
            try:
                wall = float(row["wall_s"])
                workers = int(row["workers"])
            except (KeyError, ValueError):
                usage_error("%s:%d: not a row of primes --csv" % (path, line))
            model = row["model"]
            key = (row["workload"], model, row["schedule"], workers)
            entry = runs.setdefault(key, {"wall": [], "verified": True, "row": row})
            entry["wall"].append(wall)
            entry["verified"] &= row.get("verify_ok") == "true"
            entry["row"] = row
    return runs


def our_workers(runs, workload, model, schedule, workers):
    """The workers primes reported for a run asked for `workers`: a one-thread model (serial, the event
    loop) reports one, as its rows say."""
    return workers if (workload, model, schedule, workers) in runs else 1


def lookup(runs, workload, model, schedule, workers):
    return runs.get((workload, model, schedule, our_workers(runs, workload, model, schedule, workers)))


def serial_of(runs, workload):
    for (w, model, _, _), entry in runs.items():
        if w == workload and model == "serial":
            return entry
    return None


def fmt(x, digits=3):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    return "%.*g" % (digits, x)


def read_load(directory):
    """CPUs other processes kept busy during each run, by (experiment, model, schedule) (load.csv)."""
    path = os.path.join(directory, "load.csv")
    load = {}
    if os.path.exists(path):
        with open(path, newline="") as f:
            for row in csv.DictReader(f):
                try:
                    load[(row["experiment"], row["model"], row["schedule"])] = float(row["other_cpus"])
                except (KeyError, ValueError):
                    pass
    return load


def comparison(runs, load=None):
    load = load or {}
    rows = []
    for name, workload, workers, _, plan in EXPERIMENTS:
        serial = serial_of(runs, workload)
        ours_serial = statistics.median(serial["wall"]) if serial else None
        their_serial = tutorial_serial(name)
        for model, schedule, setup in plan:
            entry = lookup(runs, workload, model, schedule, workers)
            if entry is None:
                continue
            ours = statistics.median(entry["wall"])
            theirs, quoted = tutorial_seconds(name, setup) if setup else (None, None)
            rows.append({
                "experiment": name, "workload": workload, "model": model, "schedule": schedule,
                "workers": our_workers(runs, workload, model, schedule, workers), "runs": len(entry["wall"]),
                "ours_median_s": ours, "ours_min_s": min(entry["wall"]), "ours_max_s": max(entry["wall"]),
                "verified": entry["verified"], "tutorial_setup": setup or "",
                "tutorial_s": theirs, "tutorial_quoted": quoted or "",
                "our_speedup": ours_serial / ours if ours_serial and ours > 0 else None,
                "their_speedup": their_serial / theirs if their_serial and theirs else None,
                "scale": float(entry["row"].get("scale") or "nan"), "rounds": workers,
                "other_cpus": load.get((name, model, schedule)),
            })
    return rows


def write_table(directory):
    runs = read_runs(directory)
    rows = comparison(runs, read_load(directory))
    if not rows:
        usage_error("%s/runs.csv: no run of the plan (see --plan)" % directory)
    columns = ["experiment", "workload", "model", "schedule", "workers", "runs", "ours_median_s", "ours_min_s",
               "ours_max_s", "verified", "tutorial_setup", "tutorial_s", "tutorial_quoted", "our_speedup",
               "their_speedup", "scale", "other_cpus"]
    with open(os.path.join(directory, "comparison.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(columns)
        for r in rows:
            w.writerow(["" if r[c] is None else ("%.6g" % r[c] if isinstance(r[c], float) else
                                                 str(r[c]).lower() if isinstance(r[c], bool) else r[c])
                        for c in columns])
    scales = sorted({r["scale"] for r in rows})
    any_row = next(iter(runs.values()))["row"]
    lines = ["The tutorials' experiments in C: %s, %s, %s cores allowed, primes %s (git %s), --scale %s" % (
        any_row.get("host", "?"), any_row.get("cpu_model", "?"), any_row.get("cores_allowed", "?"),
        any_row.get("version", "?"), any_row.get("git_commit", "?"), ",".join("%g" % s for s in scales))]
    if scales != [1.0]:
        lines.append("(--scale below 1: our times are of smaller tasks than the tutorials'; compare the speedups)")
    header = ("experiment", "model", "W", "schedule", "ours (s)", "tutorial (s)", "tutorial setup",
              "our speedup", "their speedup", "others")
    widths = [13, 8, 2, 8, 9, 17, 15, 11, 13, 6]
    lines.append("  ".join(h.ljust(w) if i in (0, 1, 3, 6) else h.rjust(w) for i, (h, w) in
                           enumerate(zip(header, widths))))
    last = None
    for r in rows:
        schedule = r["schedule"] + ("/%d" % r["rounds"] if r["model"] == "events" and r["schedule"] == "batch" else "")
        cells = [r["experiment"] if r["experiment"] != last else "", r["model"], str(r["workers"]), schedule,
                 fmt(r["ours_median_s"]) + ("" if r["verified"] else " !"),
                 r["tutorial_quoted"] or "-", r["tutorial_setup"] or "-",
                 fmt(r["our_speedup"], 2), fmt(r["their_speedup"], 2),
                 "-" if r["other_cpus"] is None else "%.2f" % r["other_cpus"]]
        last = r["experiment"]
        lines.append("  ".join(c.ljust(w) if i in (0, 1, 3, 6) else c.rjust(w) for i, (c, w) in
                               enumerate(zip(cells, widths))))
    if not all(r["verified"] for r in rows):
        lines.append("! a run of this configuration failed its verification (see runs.csv, verify_detail)")
    lines.append("ours: median wall time of the timed runs (primes' own clock, start-up excluded); speedup: the "
                 "serial run's median over this one's;")
    lines.append("others: CPUs that other processes kept busy during the run (above ~0.2 the CPU-bound times "
                 "are distorted)")
    busy = [r for r in rows if (r["other_cpus"] or 0) > 0.2]
    if busy:
        lines.append("note: %d of %d runs shared the machine with other work (others > 0.2)" % (len(busy), len(rows)))
    text = "\n".join(lines) + "\n"
    with open(os.path.join(directory, "table.txt"), "w") as f:
        f.write(text)
    sys.stdout.write(text)


# ---- figures (matplotlib) ----

def read_trace(path):
    """The first repetition's tasks of a primes --trace file: [(item, worker label, start, stop)]."""
    try:
        items = read_trace_items(path)
    except InputError as e:
        usage_error(str(e))
    return [(int(i["item"]), "rank %d thread %d" % (i["rank"], i["thread"]), i["start_s"], i["stop_s"])
            for i in items if i["rep"] == 1]


def plots(directory, check):
    try:
        import matplotlib
    except ImportError:
        sys.stderr.write("plot_tutorials.py: no matplotlib in %s (scripts/plot.py --probe finds one)\n"
                         % sys.executable)
        sys.exit(1)
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    runs = read_runs(directory)
    rows = comparison(runs)
    out = os.path.join(directory, "plots")
    os.makedirs(out, exist_ok=True)
    any_row = next(iter(runs.values()))["row"] if runs else {}
    caption = " · ".join(p for p in [any_row.get("host", ""), any_row.get("cpu_model", ""),
                                     "%s cores" % any_row.get("cores_allowed", "?"),
                                     (any_row.get("timestamp") or "")[:10],
                                     "--scale %s" % any_row.get("scale", "?")] if p)
    for name, workload, workers, what, _ in EXPERIMENTS:
        mine = [r for r in rows if r["experiment"] == name]
        if not mine:
            continue
        labels = ["%s%s" % (r["model"], "" if r["schedule"] == "static" or r["model"] == "serial" else
                            " " + r["schedule"]) for r in mine]
        fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
        xs = range(len(mine))
        med = [r["ours_median_s"] for r in mine]
        low = [r["ours_median_s"] - r["ours_min_s"] for r in mine]
        high = [r["ours_max_s"] - r["ours_median_s"] for r in mine]
        left.bar(xs, med, yerr=[low, high], color=[model_color(r["model"]) for r in mine], capsize=3)
        left.set_xticks(list(xs))
        left.set_xticklabels(labels, rotation=30, ha="right", fontsize=8)
        left.set_ylabel("wall time (s), median; whiskers min..max")
        left.set_title("ours (C), %d worker%s" % (workers, "" if workers == 1 else "s"), fontsize=10)
        left.grid(True, axis="y", alpha=0.3)
        ours_s = [r["our_speedup"] or 0 for r in mine]
        theirs_s = [r["their_speedup"] or 0 for r in mine]
        width = 0.4
        right.bar([x - width / 2 for x in xs], ours_s, width, label="ours (C)", color="C0")
        if any(theirs_s):
            right.bar([x + width / 2 for x in xs], theirs_s, width, label="the tutorial's (Python)", color="0.6",
                      hatch="//")
        right.axhline(1, color="0.3", linewidth=0.8)
        right.set_xticks(list(xs))
        right.set_xticklabels(labels, rotation=30, ha="right", fontsize=8)
        right.set_ylabel("speedup over serial")
        right.set_title("speedup: ours beside the tutorial's", fontsize=10)
        right.legend(fontsize=8)
        right.grid(True, axis="y", alpha=0.3)
        fig.suptitle("%s — %s" % (name, what), fontsize=11)
        fig.text(0.5, 0.01, caption, ha="center", va="bottom", fontsize=8, color="0.3")
        fig.tight_layout(rect=(0, 0.04, 1, 0.95))
        path = os.path.join(out, "bars-%s.png" % name)
        fig.savefig(path, dpi=110)
        plt.close(fig)
        print(path)
        if check:
            print("  bars %s: %s" % (name, ", ".join("%s=%.4g" % (label, m) for label, m in zip(labels, med))))
            print("  speedups %s: ours [%s] theirs [%s]" % (name, ", ".join("%.3g" % s for s in ours_s),
                                                            ", ".join("%.3g" % s for s in theirs_s)))

    for name, models in TIMELINES.items():
        spec = next(e for e in EXPERIMENTS if e[0] == name)
        panels = []
        for model, schedule, _ in spec[4]:
            path = os.path.join(directory, "traces", trace_name(name, model, schedule))
            if model in models and os.path.exists(path):
                panels.append(("%s, %s" % (model, schedule), read_trace(path)))
        if not panels:
            continue
        end = max((stop for _, items in panels for _, _, _, stop in items), default=1)
        fig, axes = plt.subplots(len(panels), 1, figsize=(9, 1.3 + 1.6 * len(panels)), sharex=True, squeeze=False)
        for ax, (label, items) in zip(axes[:, 0], panels):
            workers = sorted({w for _, w, _, _ in items})
            for item, worker, start, stop in items:
                color = "C%d" % (workers.index(worker) % 10)
                ax.plot([start, stop], [item, item], color=color, linewidth=3, solid_capstyle="butt")
            ax.set_ylabel("task", fontsize=8)
            if name in TASK_LABELS:
                ax.set_yticks(range(len(TASK_LABELS[name])))
                ax.set_yticklabels(TASK_LABELS[name], fontsize=7)
            ax.invert_yaxis()
            span = max(stop for _, _, _, stop in items)
            ax.set_title("%s: %d worker%s, last task ends at %.3g s" % (label, len(workers), "" if len(workers) == 1 else "s",
                                                                     span), fontsize=9)
            ax.grid(True, axis="x", alpha=0.3)
            if check:
                print("  timeline %s %s: %d tasks on %d workers, end %.4g s" % (name, label, len(items),
                                                                              len(workers), span))
        axes[-1, 0].set_xlabel("seconds since the start of the run (one line per task, a colour per worker)")
        axes[-1, 0].set_xlim(0, end * 1.02)
        fig.suptitle("%s — %s: when each task ran" % (name, spec[3]), fontsize=10)
        fig.text(0.5, 0.005, caption, ha="center", va="bottom", fontsize=7, color="0.3")
        fig.tight_layout(rect=(0, 0.03, 1, 0.96))
        path = os.path.join(out, "timeline-%s.png" % name)
        fig.savefig(path, dpi=110)
        plt.close(fig)
        print(path)


def main(argv):
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        sys.exit(0 if argv else 2)
    if argv[0] == "--plan" and len(argv) == 1:
        print_plan()
    elif argv[0] == "--table" and len(argv) == 2:
        write_table(argv[1])
    elif argv[0] == "--plots" and len(argv) in (2, 3) and (len(argv) == 2 or argv[2] == "--check"):
        plots(argv[1], len(argv) == 3)
    else:
        usage_error("'%s' is not a valid command line (see --help)" % " ".join(argv))


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except BrokenPipeError:
        os._exit(1)
    except OSError as e:
        usage_error("%s: %s" % (e.filename or "", e.strerror))
