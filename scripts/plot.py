#!/usr/bin/env python3
# plot.py: the plots of a scaling study, from the summary CSV of `primes analyze --csv` and from trace
# files of `primes --trace`: speedup (with the ideal line and the fitted Amdahl curve), efficiency,
# Karp-Flatt, runtime (log-log), weak-scaling speedup and efficiency (with the Gustafson fit), and a
# per-worker timeline (Gantt) coloured by work item. Matplotlib, non-interactive (Agg). When the python
# running it lacks matplotlib, it looks for one that has it (/usr/bin/python3 first) and runs there.
"""usage: scripts/plot.py [OPTIONS] SUMMARY.csv [SUMMARY.csv...]

Plots every series of the summaries (written by primes analyze --csv) into --out, one file per plot:
  strong scaling  KERNEL-METHOD-nN-speedup, -efficiency, -karp-flatt, -runtime
  weak scaling    KERNEL-METHOD-weak-nN-scaled-speedup, -weak-efficiency, -runtime
  --trace FILE    gantt-STEM: each worker's work items over time, one colour per item
Error bars are the 95% confidence intervals of primes analyze; hollow markers are oversubscribed points
(more workers than cores). Titles and captions name the machine, kernel, n and date.

options:
  --out DIR          where the plots go (default: the directory of the first summary)
  --format FMT       png (default), svg or pdf; several with commas (png,pdf)
  --trace FILE       a trace of primes --trace for a Gantt chart (repeatable)
  --rep R            the repetition of the trace to draw (default: its first)
  --runs FILE        the runs.csv of the traces, to draw the run's end and its final merge (default:
                     DIR/runs.csv for a study's DIR/traces/KERNEL-METHOD-nN-MODEL-RxT-roundK.csv)
  --study FILE       the study.json of scripts/study.sh, for the captions (default: beside the summary)
  --check            also print what each plot drew (series, points, lines): for tests and reviews
  --probe            only find a python with matplotlib, print it and exit (0 found, 1 not)
  -h, --help         this text

Prints the path of every file written. Exit status: 0 done, 1 no matplotlib, 2 bad usage or input."""

import os
import sys

CANDIDATES = ["/usr/bin/python3", "/usr/local/bin/python3", "/bin/python3"]


def find_matplotlib_python():
    """Re-runs this script under a python that has matplotlib, or explains what is missing."""
    import subprocess

    tried = [sys.executable]
    if os.environ.get("PRIMES_PLOT_REEXEC") != "1":
        names = [os.environ.get("PRIMES_PYTHON", "")] + CANDIDATES
        for path in os.environ.get("PATH", "").split(os.pathsep):
            for name in ("python3", "python"):
                names.append(os.path.join(path, name))
        for name in names:
            if not name or not os.access(name, os.X_OK):
                continue
            real = os.path.realpath(name)
            if real in (os.path.realpath(t) for t in tried):
                continue
            tried.append(name)
            probe = subprocess.run([name, "-c", "import matplotlib"], stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, check=False)
            if probe.returncode == 0:
                env = dict(os.environ, PRIMES_PLOT_REEXEC="1")
                os.execve(name, [name, os.path.abspath(__file__)] + sys.argv[1:], env)
    sys.stderr.write(
        "plot.py: no python with matplotlib found (tried: %s).\n"
        "  Install it: apt-get install python3-matplotlib (Debian/Ubuntu; or make deps), or on a cluster\n"
        "  module load python (with matplotlib), or point PRIMES_PYTHON at a python3 that has it.\n"
        % ", ".join(tried))
    sys.exit(1)


if "-h" in sys.argv[1:] or "--help" in sys.argv[1:]:
    print(__doc__)
    sys.exit(0)

try:
    import matplotlib
except ImportError:
    find_matplotlib_python()

matplotlib.use("Agg")
# the same data gives the same bytes: SVG ids from a fixed salt, no dates in any format
matplotlib.rcParams["svg.hashsalt"] = "primes-plot"
if "--probe" in sys.argv[1:]:
    print("matplotlib %s in %s" % (matplotlib.__version__, sys.executable))
    sys.exit(0)
import csv  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import re  # noqa: E402
from collections import OrderedDict  # noqa: E402

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))  # installed: bin/primes-plot links here
from plotlib import InputError, csv_rows, model_color, model_index, model_marker, number  # noqa: E402
from plotlib import read_trace as read_trace_items  # noqa: E402
from plotlib import usage_error as plotlib_usage_error  # noqa: E402


def usage_error(message):
    plotlib_usage_error(message, "plot.py")


def parse_args(argv):
    opts = {"out": None, "formats": ["png"], "traces": [], "rep": None, "study": None, "runs": None,
            "check": False, "summaries": []}
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in ("--out", "--format", "--trace", "--rep", "--study", "--runs"):
            if i + 1 >= len(argv):
                usage_error("%s needs a value (see --help)" % a)
            v = argv[i + 1]
            i += 2
            if a == "--out":
                opts["out"] = v
            elif a == "--format":
                opts["formats"] = [f for f in v.split(",") if f]
                for f in opts["formats"]:
                    if f not in ("png", "svg", "pdf"):
                        usage_error("--format: '%s' is not png, svg or pdf" % f)
            elif a == "--trace":
                opts["traces"].append(v)
            elif a == "--runs":
                opts["runs"] = v
            elif a == "--rep":
                if not v.isdigit() or int(v) < 1:
                    usage_error("--rep: '%s' is not a whole number >= 1" % v)
                opts["rep"] = int(v)
            else:
                opts["study"] = v
        elif a == "--check":
            opts["check"] = True
            i += 1
        elif a.startswith("-") and a != "-":
            usage_error("unknown option '%s' (see --help)" % a)
        else:
            opts["summaries"].append(a)
            i += 1
    if not opts["summaries"] and not opts["traces"]:
        usage_error("no summary CSV and no --trace given (see --help)")
    if opts["out"] is None:
        first = (opts["summaries"] or opts["traces"])[0]
        opts["out"] = os.path.dirname(os.path.abspath(first))
    return opts


# ---- reading ----

SUMMARY_COLUMNS = ["schema", "scaling", "kernel", "method", "from", "n", "model", "ranks", "threads", "workers",
                   "oversubscribed", "mean_s", "ci95_s", "speedup", "speedup_ci95", "efficiency",
                   "efficiency_ci95", "karp_flatt", "fit_law", "fit_serial_fraction", "fit_t1_s", "host",
                   "cpu_model", "cores", "first_timestamp", "last_timestamp"]


def read_summary(path):
    rows = []
    for line, row in csv_rows(path, SUMMARY_COLUMNS, "a summary of primes analyze --csv"):
        if row["schema"] not in ("primes-summary/1", "primes-summary/2", "primes-summary/3"):
            raise InputError("%s:%d: schema '%s' is not primes-summary/1, /2 or /3" % (path, line, row["schema"]))
        row["platform"] = row.get("platform") or ""  # /2: the simulated platform, "" for real runs
        for c in ("n", "from", "ranks", "threads", "workers", "mean_s", "ci95_s", "speedup", "speedup_ci95",
                  "efficiency", "efficiency_ci95", "karp_flatt", "fit_serial_fraction", "fit_t1_s",
                  "gustafson_alpha", "speedup_serial", "fit_ci95", "karp_flatt_ci95",
                  "gustafson_alpha_ci95"):
            if c in row:
                row[c] = number(row[c], path, line, c)
        row["oversubscribed"] = row["oversubscribed"] == "true"
        # /3: disturbed runs set aside, and what the fit can claim
        row["disturbed"] = int(number(row["disturbed"], path, line, "disturbed")) if row.get("disturbed") else 0
        row["fit_verdict"] = row.get("fit_verdict") or ""
        rows.append(row)
    return rows


def read_trace(path, rep):
    items = read_trace_items(path)
    reps = sorted({int(i["rep"]) for i in items})
    want = rep if rep is not None else reps[0]
    if want not in reps:
        raise InputError("%s: no repetition %d in the trace (it has %s)" % (path, want, ", ".join(map(str, reps))))
    return [i for i in items if int(i["rep"]) == want], want


def read_study(path):
    if not path or not os.path.exists(path):
        return {}
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        raise InputError("%s: not a readable study.json: %s" % (path, e))


# ---- words ----

def human_n(n):
    n = int(n)
    if n < 100000:
        return str(n)
    k = int(math.floor(math.log10(n)))
    mantissa = n / 10 ** k
    if abs(mantissa - round(mantissa, 2)) * 10 ** k < 0.5:
        text = ("%.2f" % mantissa).rstrip("0").rstrip(".")
        return "10^%d" % k if text == "1" else "%s·10^%d" % (text, k)
    return "{:,}".format(n).replace(",", "\u2009")


def file_n(n):
    n = int(n)
    k = int(math.floor(math.log10(n))) if n > 0 else 0
    if n >= 1000 and n % 10 ** k == 0:
        return "%de%d" % (n // 10 ** k, k)
    return str(n)


def dates(first, last):
    a, b = first[:10], last[:10]
    return a if a == b else "%s to %s" % (a, b)


def machine_caption(rows, study):
    r = rows[0]
    cores = r.get("cores") or study.get("cores_online", "")
    parts = [r.get("host") or study.get("host", "unknown host"), r.get("cpu_model") or study.get("cpu_model", "")]
    if r["platform"]:
        parts = ["simulated on %s (SimGrid SMPI), run on %s" % (r["platform"], parts[0])]
    elif cores:
        parts.append("%s cores" % cores)
    first = min((x["first_timestamp"] for x in rows if x["first_timestamp"]), default="")
    last = max((x["last_timestamp"] for x in rows if x["last_timestamp"]), default="")
    if first:
        parts.append(dates(first, last))
    return " · ".join(p for p in parts if p)


def ordered_models(rows):
    models = OrderedDict()
    for r in sorted(rows, key=lambda r: (model_index(r["model"]), r["workers"])):
        models.setdefault(r["model"], []).append(r)
    return models


# ---- drawing ----

class Report:
    """Prints each file written and, under --check, what its plot drew."""

    def __init__(self, check):
        self.check = check
        self.pending = []

    def figure(self, path, title):
        print(path)
        if self.check:
            print("  title: %s" % title)
            for line in self.pending:
                print(line)

    def done(self):
        self.pending = []

    def series(self, kind, label, xs, ys):
        self.pending.append("  %s %s: %d points x=[%s] y=[%s]" % (
            kind, label, len(xs), ", ".join("%g" % x for x in xs), ", ".join("%.4g" % y for y in ys)))


STABLE_METADATA = {"svg": {"Date": None}, "pdf": {"CreationDate": None, "ModDate": None}, "png": {}}


def save_figure(fig, path):
    """fig to path (its format from the extension), without the date or anything else that changes."""
    fmt = os.path.splitext(path)[1][1:]
    fig.savefig(path, dpi=120, metadata=STABLE_METADATA.get(fmt, {}))


def finish(fig, ax, title, caption, outs, report, base):
    ax.set_title(title, fontsize=11 if len(title) <= 72 else 9)
    ax.grid(True, which="both", alpha=0.3)
    fig.text(0.5, 0.01, caption, ha="center", va="bottom", fontsize=8, color="0.3", wrap=True)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    for fmt in outs["formats"]:
        path = os.path.join(outs["out"], "%s.%s" % (base, fmt))
        save_figure(fig, path)
        report.figure(path, title)
    report.done()
    plt.close(fig)


def dodge(x, slot, pmax, log):
    """Moves the points of the slot-th model a little sideways, so error bars at one x stay apart."""
    if log:
        return x * 2 ** (0.04 * slot)
    return x + 0.02 * slot * max(pmax - 1, 1)


def plot_points(ax, rows, y_key, ci_key, model, report, kind, slot=0.0, log=False, label=None):
    """Mean values with 95% error bars; hollow markers for oversubscribed points."""
    rows = [r for r in rows if not math.isnan(r[y_key])]
    if not rows:
        return []
    pmax = max(r["workers"] for r in rows)
    xs = [r["workers"] for r in rows]
    shown = [dodge(x, slot, pmax, log) for x in xs]
    ys = [r[y_key] for r in rows]
    errs = [0 if (ci_key is None or math.isnan(r[ci_key])) else r[ci_key] for r in rows]
    color = model_color(model)
    marker = model_marker(model)
    ax.errorbar(shown, ys, yerr=errs, color=color, marker=marker, linestyle="-", capsize=3,
                label=label or model, markersize=6, linewidth=1.2)
    over = [(x, r) for x, r in zip(shown, rows) if r["oversubscribed"]]
    if over:
        ax.plot([x for x, _ in over], [r[y_key] for _, r in over], linestyle="none", marker=marker,
                markersize=9, markerfacecolor="white", markeredgecolor=color)
    shaken = [(x, r) for x, r in zip(shown, rows) if r["disturbed"]]
    if shaken:
        ax.plot([x for x, _ in shaken], [r[y_key] for _, r in shaken], linestyle="none", marker="x",
                markersize=11, color="#c0392b", markeredgewidth=1.6)
        report.series("disturbed", model, [r["workers"] for _, r in shaken], [r["disturbed"] for _, r in shaken])
    report.series(kind, model, xs, ys)
    return xs


def shade_beyond_cores(ax, rows, log):
    """Grey from the first oversubscribed worker count on (analyze's verdict, which counts every host's
    cores and the cores a run may use): points there measure time sharing, not scaling."""
    over = sorted({r["workers"] for r in rows if r["oversubscribed"]})
    fit = sorted({r["workers"] for r in rows if not r["oversubscribed"] and r["workers"] < (over or [0])[0]})
    if not over:
        return False
    below = fit[-1] if fit else over[0] / 2.0
    start = math.sqrt(below * over[0]) if log else (below + over[0]) / 2.0
    end = over[-1] * (1.5 if log else 1.05) + (0 if log else 0.5)
    ax.axvspan(start, end, color="0.88", zorder=0, linewidth=0)
    ax.annotate("more workers than cores:\ntime sharing", xy=(start, 1), xycoords=("data", "axes fraction"),
                xytext=(4, -4), textcoords="offset points", ha="left", va="top", fontsize=7, color="0.35")
    return True


def cap_y(ax, rows, key, ideal):
    """From 0 to a little above the ideal and the data: a huge interval (few runs) runs off the top rather
    than flattening every point."""
    values = [r[key] for r in rows if not math.isnan(r[key])]
    ax.set_ylim(0, 1.25 * max([ideal] + values))


def slots(models):
    """Each model's sideways slot, centred on zero."""
    names = list(models)
    return {m: k - (len(names) - 1) / 2.0 for k, m in enumerate(names)}


def fit_label(model, row, symbol):
    f, ci = row["fit_serial_fraction"], row.get("fit_ci95", math.nan)
    if row.get("fit_verdict") == "outside-law":
        return "%s: does not follow the law (fitted %s outside [0, 1])" % (model, symbol.split()[-1])
    if math.isnan(f):
        return model
    exact = ", exact fit of %s points" % row.get("fit_worker_counts", "2") if row.get("fit_verdict") == "exact" else ""
    if not math.isnan(ci):
        return "%s: %s = %.3f ± %.3f%s" % (model, symbol, f, ci, exact)
    return "%s: %s = %.3f%s" % (model, symbol, f, exact)


def wide(workers):
    """Worker counts spanning more than 64x: axes in powers of 2 (a simulated study reaches 4096)."""
    return max(workers) > 64 * min(workers)


def worker_axis(ax, workers, log=True, rows=()):
    ws = sorted(set(workers))
    if rows:
        shade_beyond_cores(ax, rows, log or wide(ws))
    if log or wide(ws):
        ax.set_xscale("log", base=2)
    ax.set_xticks(ws)
    ax.set_xticklabels([str(int(w)) for w in ws])
    ax.set_xlabel("workers (ranks × threads)")


def series_caption(rows, study, extra):
    runs = sorted({r.get("runs", "") for r in rows})
    text = machine_caption(rows, study)
    if runs and runs != [""]:
        text += " · %s runs per point" % "/".join(runs)
    text += " · bars: 95% CI"
    if any(r["oversubscribed"] for r in rows):
        text += " · hollow: oversubscribed"
    if any(r["disturbed"] for r in rows):
        text += " · red ×: disturbed runs left out (%d)" % sum(r["disturbed"] for r in rows)
    return text + extra


def series_base(r0, middle):
    """The file name stem of a series' plots; a simulated series carries its platform."""
    base = "%s-%s-%sn%s" % (r0["kernel"], r0["method"], middle, file_n(r0["n"]))
    return base + ("-sim-%s" % r0["platform"] if r0["platform"] else "")


def plot_real_overlay(ax, real, y_key, ci_key, report):
    """Real runs of a simulated series' range, the same items, drawn over it: the check of the simulation."""
    for model, mrows in ordered_models(real).items():
        if y_key == "karp_flatt":
            mrows = [r for r in mrows if r["workers"] > 1]
        mrows = [r for r in mrows if not math.isnan(r[y_key])]
        if not mrows:
            continue
        xs = [r["workers"] for r in mrows]
        ys = [r[y_key] for r in mrows]
        errs = [0 if math.isnan(r[ci_key]) else r[ci_key] for r in mrows]
        ax.errorbar(xs, ys, yerr=errs, color="black", marker="s", linestyle="none", capsize=3, markersize=7,
                    markerfacecolor="none", label="real %s, this machine" % model)
        report.series("real", model, xs, ys)


def plot_strong(rows, study, outs, report, real=()):
    r0 = rows[0]
    name = "%s by %s, n = %s" % (r0["kernel"], r0["method"], human_n(r0["n"]))
    if r0["platform"]:
        name += " on %s (simulated)" % r0["platform"]
    base = series_base(r0, "")
    models = ordered_models(rows)
    parallel = OrderedDict((m, r) for m, r in models.items() if m != "serial")
    all_workers = [r["workers"] for r in rows]
    pmax = max(all_workers)
    log = wide(all_workers)
    caption = series_caption(rows, study, " · squares: real runs here" if real else "")

    # speedup, with each model's fitted Amdahl curve
    fig, ax = plt.subplots(figsize=(7, 5))
    ax.plot([1, pmax], [1, pmax], color="0.5", linestyle="--", linewidth=1, label="ideal")
    report.series("line", "ideal", [1, pmax], [1, pmax])
    slot = slots(parallel)
    for model, mrows in parallel.items():
        plot_points(ax, mrows, "speedup", "speedup_ci95", model, report, "points", slot[model], log=log,
                    label=fit_label(model, mrows[0], "Amdahl f"))
        fit = mrows[0]
        one = [r for r in mrows if r["workers"] == 1]
        if fit["fit_law"] == "amdahl" and one and not math.isnan(fit["fit_serial_fraction"]) and \
                fit["fit_verdict"] != "outside-law":
            f, t1fit, t1 = fit["fit_serial_fraction"], fit["fit_t1_s"], one[0]["mean_s"]
            xs = [pmax ** (i / 100.0) if log else 1 + i * (pmax - 1) / 100.0 for i in range(101)]
            ys = [t1 / (t1fit * (f + (1 - f) / p)) for p in xs]
            ax.plot(xs, ys, color=model_color(model), linestyle=":", linewidth=1.5)
            report.series("curve", "amdahl %s f=%.4g" % (model, f), xs[::25], ys[::25])
    plot_real_overlay(ax, real, "speedup", "speedup_ci95", report)
    ax.set_ylabel("speedup T(1) / T(p), same model")
    if log:
        ax.set_yscale("log", base=2)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: "%g" % v))
    else:
        cap_y(ax, rows, "speedup", pmax)
    worker_axis(ax, all_workers, log=False, rows=rows)
    ax.legend(fontsize=8)
    finish(fig, ax, "%s: speedup (strong scaling)" % name, caption + " · dotted: fitted Amdahl curves", outs,
           report, base + "-speedup")

    # efficiency
    fig, ax = plt.subplots(figsize=(7, 5))
    ax.axhline(1, color="0.5", linestyle="--", linewidth=1, label="ideal")
    report.series("line", "ideal", [1, pmax], [1, 1])
    for model, mrows in parallel.items():
        plot_points(ax, mrows, "efficiency", "efficiency_ci95", model, report, "points", slot[model], log=log)
    plot_real_overlay(ax, real, "efficiency", "efficiency_ci95", report)
    ax.set_ylabel("efficiency S(p) / p")
    cap_y(ax, rows, "efficiency", 1)
    worker_axis(ax, all_workers, log=False, rows=rows)
    ax.legend(fontsize=8)
    finish(fig, ax, "%s: parallel efficiency" % name, caption, outs, report, base + "-efficiency")

    # Karp-Flatt, with each model's fitted f as a dotted level
    fig, ax = plt.subplots(figsize=(7, 5))
    for model, mrows in parallel.items():
        pts = [r for r in mrows if r["workers"] > 1]
        if not pts:
            continue
        plot_points(ax, pts, "karp_flatt", "karp_flatt_ci95", model, report, "points", slot[model], log=log,
                    label=fit_label(model, mrows[0], "fitted f"))
        f = mrows[0]["fit_serial_fraction"]
        if not math.isnan(f) and mrows[0]["fit_verdict"] != "outside-law":
            ax.axhline(f, color=model_color(model), linestyle=":", linewidth=1)
            report.series("line", "amdahl-f %s" % model, [pts[0]["workers"], pts[-1]["workers"]], [f, f])
    plot_real_overlay(ax, real, "karp_flatt", "karp_flatt_ci95", report)
    ax.axhline(0, color="0.5", linestyle="--", linewidth=1)
    ax.set_ylabel("Karp–Flatt serial fraction e")
    worker_axis(ax, [r["workers"] for r in rows if r["workers"] > 1] or all_workers, log=False, rows=rows)
    ax.legend(fontsize=8)
    finish(fig, ax, "%s: Karp–Flatt serial fraction" % name,
           caption + " · dotted: fitted Amdahl f", outs, report, base + "-karp-flatt")

    # runtime, log-log
    fig, ax = plt.subplots(figsize=(7, 5))
    slot = slots(models)
    plot_real_overlay(ax, real, "mean_s", "ci95_s", report)
    for model, mrows in models.items():
        plot_points(ax, mrows, "mean_s", "ci95_s", model, report, "points", slot[model], log=True)
        one = [r for r in mrows if r["workers"] == 1]
        if one and model != "serial" and pmax > 1:
            t1 = one[0]["mean_s"]
            ax.plot([1, pmax], [t1, t1 / pmax], color=model_color(model), linestyle="--", linewidth=0.8, alpha=0.6)
    ax.set_yscale("log")
    ax.set_ylabel("wall time (s), mean")
    worker_axis(ax, all_workers, log=True, rows=rows)
    ax.legend(fontsize=8)
    finish(fig, ax, "%s: runtime" % name, caption + " · dashed: ideal T(1)/p", outs, report, base + "-runtime")


def plot_weak(rows, study, outs, report):
    base_rows = [r for r in rows if r["workers"] == 1] or rows
    r0 = base_rows[0]
    name = "%s by %s, weak scaling from n = %s" % (r0["kernel"], r0["method"], human_n(r0["n"]))
    if r0["platform"]:
        name += " on %s (simulated)" % r0["platform"]
    base = series_base(r0, "weak-")
    models = ordered_models(rows)
    parallel = OrderedDict((m, r) for m, r in models.items() if m != "serial")
    slot = slots(parallel)
    all_workers = [r["workers"] for r in rows]
    pmax = max(all_workers)
    caption = series_caption(rows, study, " · work per worker held constant (docs/scaling-guide.md)")
    xs = [1 + i * (pmax - 1) / 100.0 for i in range(101)]

    def gustafson(mrows):
        a = mrows[0]["fit_serial_fraction"]
        return a if mrows[0]["fit_law"] == "gustafson" and not math.isnan(a) else None

    fig, ax = plt.subplots(figsize=(7, 5))
    ax.plot([1, pmax], [1, pmax], color="0.5", linestyle="--", linewidth=1, label="ideal")
    report.series("line", "ideal", [1, pmax], [1, pmax])
    for model, mrows in parallel.items():
        plot_points(ax, mrows, "speedup", "speedup_ci95", model, report, "points", slot[model],
                    label=fit_label(model, mrows[0], "Gustafson α"))
        a = gustafson(mrows)
        if a is not None:
            ys = [a + (1 - a) * p for p in xs]
            ax.plot(xs, ys, color=model_color(model), linestyle=":", linewidth=1.5)
            report.series("curve", "gustafson %s alpha=%.4g" % (model, a), xs[::25], ys[::25])
    ax.set_ylabel("scaled speedup (work ratio × T(1) / T(p))")
    cap_y(ax, rows, "speedup", pmax)
    worker_axis(ax, all_workers, log=False, rows=rows)
    ax.legend(fontsize=8)
    finish(fig, ax, "%s: scaled speedup" % name, caption + " · dotted: Gustafson fit", outs, report,
           base + "-scaled-speedup")

    fig, ax = plt.subplots(figsize=(7, 5))
    ax.axhline(1, color="0.5", linestyle="--", linewidth=1, label="ideal")
    report.series("line", "ideal", [1, pmax], [1, 1])
    for model, mrows in parallel.items():
        plot_points(ax, mrows, "efficiency", "efficiency_ci95", model, report, "points", slot[model])
        a = gustafson(mrows)
        if a is not None:
            ax.plot(xs, [(a + (1 - a) * p) / p for p in xs], color=model_color(model), linestyle=":", linewidth=1.5)
    ax.set_ylabel("weak-scaling efficiency")
    cap_y(ax, rows, "efficiency", 1)
    worker_axis(ax, all_workers, log=False, rows=rows)
    ax.legend(fontsize=8)
    finish(fig, ax, "%s: weak-scaling efficiency" % name, caption + " · dotted: Gustafson fit", outs, report,
           base + "-weak-efficiency")

    fig, ax = plt.subplots(figsize=(7, 5))
    slot = slots(models)
    for model, mrows in models.items():
        plot_points(ax, mrows, "mean_s", "ci95_s", model, report, "points", slot[model], log=True)
    ax.set_ylabel("wall time (s), mean: flat is ideal")
    ax.set_ylim(bottom=0)
    worker_axis(ax, all_workers, log=True, rows=rows)
    size_of = {r["workers"]: r["n"] for r in rows}
    ws = sorted(size_of)
    ax.set_xticks(ws)
    ax.set_xticklabels(["%d\nn = %s" % (w, human_n(size_of[w])) for w in ws], fontsize=8)
    ax.legend(fontsize=8)
    finish(fig, ax, "%s: runtime" % name, caption, outs, report, base + "-runtime")


TRACE_NAME = re.compile(r"^(?P<kernel>[a-z]+)-(?P<method>[a-z]+)-n(?P<n>\d+)-(?P<model>[a-z]+)-"
                        r"(?P<ranks>\d+)x(?P<threads>\d+)-round(?P<round>\d+)$")


def run_of_trace(path, g, runs_path):
    """The runs.csv row of a study trace (KERNEL-METHOD-nN-MODEL-RxT-roundK.csv): the K-th row of that
    configuration, with its line number; None when there is no such file or row."""
    if g is None:
        return None
    runs_path = runs_path or os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(path))), "runs.csv")
    if not os.path.exists(runs_path):
        return None
    with open(runs_path, newline="") as f:
        reader = csv.DictReader(f)
        seen = 0
        for row in reader:
            if (row.get("kernel"), row.get("method"), row.get("n"), row.get("model"), row.get("ranks"),
                    row.get("threads")) == (g["kernel"], g["method"], g["n"], g["model"], g["ranks"], g["threads"]):
                seen += 1
                if seen == int(g["round"]):
                    row["_where"] = "%s:%d" % (os.path.basename(runs_path), reader.line_num)
                    return row
    return None


def run_words(kernel, method, n, model, ranks, threads):
    """A run in words: "count by sieve, n = 10^9, omp 1x2" (no "by" for a kernel without methods)."""
    by = "" if method == "none" else " by %s" % method
    return "%s%s, n = %s, %s %dx%d" % (kernel, by, human_n(int(n)), model, int(ranks), int(threads))


def plot_gantt(path, rep, study, outs, report):
    items, rep = read_trace(path, rep)
    stem = os.path.splitext(os.path.basename(path))[0]
    m = TRACE_NAME.match(stem)
    run = run_of_trace(path, m.groupdict() if m else None, outs.get("runs")) if rep == 1 else None
    own = items[0] if "wall_s" in items[0] else None
    if own is not None:
        # the trace says itself what ran and how the repetition ended
        run = {"wall_s": own["wall_s"], "settle_s": own["settle_s"], "merge_s": own["merge_s"],
               "_where": "the trace"}
        what = run_words(own["kernel"], own["method"], own["n"], own["model"], own["ranks"], own["threads"])
    elif m:
        g = m.groupdict()
        what = run_words(g["kernel"], g["method"], g["n"], g["model"], g["ranks"], g["threads"])
    else:
        what = stem
    workers = sorted({(int(i["rank"]), int(i["thread"])) for i in items})
    row_of = {w: k for k, w in enumerate(workers)}
    n_items = int(max(i["item"] for i in items)) + 1
    cmap = plt.get_cmap("viridis")
    fig, ax = plt.subplots(figsize=(9, 2.2 + 0.5 * len(workers)))
    for i in items:
        y = row_of[(int(i["rank"]), int(i["thread"]))]
        ax.broken_barh([(i["start_s"], i["stop_s"] - i["start_s"])], (y - 0.4, 0.8),
                       facecolors=cmap(i["item"] / max(n_items - 1, 1)), edgecolor="white", linewidth=0.3)
    ax.set_yticks(range(len(workers)))
    ax.set_yticklabels(["rank %d thread %d" % w for w in workers])
    ax.invert_yaxis()
    ax.set_xlabel("time since the start of the run (s)")
    sm = plt.cm.ScalarMappable(cmap=cmap, norm=plt.Normalize(0, max(n_items - 1, 1)))
    fig.colorbar(sm, ax=ax, label="work item", pad=0.01)
    hosts = sorted({i["host"] for i in items if i["host"]})
    end = max(i["stop_s"] for i in items)
    tail = ""
    if run is not None:
        try:
            wall, merge = float(run["wall_s"]), float(run.get("merge_s") or "nan")
            settle = float(run.get("settle_s") or "nan")
        except ValueError:
            wall = merge = settle = math.nan
        if wall > end:
            # After the last item: every worker combining its own partial at once (settle; older runs have
            # no settle_s and show it inside the merge), then the merge across workers and the final step
            # (the product's serial tail).
            merge_from = max(end, wall - merge) if merge == merge else end
            spans = [("settle", end, merge_from, "\\\\", "settle: each worker's own"),
                     ("merge", merge_from, wall, "//", "merge and final step")]
            for name, lo, hi, hatch, label in spans:
                if hi <= lo:
                    continue
                y, h = (-0.4, len(workers) - 0.2) if name == "settle" else (-0.4, 0.8)
                ax.broken_barh([(lo, hi - lo)], (y, h), facecolors="0.85", edgecolor="0.4", hatch=hatch,
                               linewidth=0.5)
                if hi - lo > 0.15 * wall:
                    ax.annotate(label, (lo + (hi - lo) / 2, 0), ha="center", va="center", fontsize=7,
                                color="0.2")
                report.series("span", name, [lo, hi], [0, 0])
            ax.axvline(wall, color="0.2", linestyle="--", linewidth=1)
        tail = " · run ends at %.4g s (wall_s, %s), settle %s, merge and final step %.3g s" % (
            wall, run["_where"], "%.3g s" % settle if settle == settle else "not recorded", merge)
    busy = {w: sum(i["stop_s"] - i["start_s"] for i in items if (int(i["rank"]), int(i["thread"])) == w)
            for w in workers}
    caption = " · ".join(p for p in [", ".join(hosts) or study.get("host", ""), study.get("cpu_model", ""),
                                     (study.get("updated") or "")[:10]] if p)
    shown = ", ".join("%.3g s" % busy[w] for w in workers[:16]) + (", …" if len(workers) > 16 else "")
    caption += " · repetition %d · %d items\nlast item ends at %.4g s%s\nbusy per worker: %s" % (
        rep, len(items), end, tail, shown)
    for w in workers:
        spans = [i for i in items if (int(i["rank"]), int(i["thread"])) == w]
        report.series("bars", "rank %d thread %d" % w, [i["item"] for i in spans], [i["stop_s"] - i["start_s"] for i in spans])
    ax.set_title("Per-worker timeline: %s" % what, fontsize=11)
    ax.grid(True, axis="x", alpha=0.3)
    ax.set_xlim(left=0)
    fig.text(0.5, 0.01, caption, ha="center", va="bottom", fontsize=8, color="0.3")
    fig.tight_layout(rect=(0, 0.16 if len(workers) < 4 else 0.1, 1, 1))
    for fmt in outs["formats"]:
        out = os.path.join(outs["out"], "gantt-%s.%s" % (stem, fmt))
        save_figure(fig, out)
        report.figure(out, "Per-worker timeline: %s" % what)
    report.done()
    plt.close(fig)


def series_key(r):
    key = (r["scaling"], r["kernel"], r["method"], r["from"], r.get("schedule", ""), r["cpu_model"], r["platform"])
    return key + ((r["n"], r.get("chunk", "")) if r["scaling"] == "strong" else ())


def real_match(key, series):
    """The real runs of the same range and items as the simulated series `key`, to draw over it."""
    found = []
    for other, rows in series.items():
        if not rows[0]["platform"] and other[:5] == key[:5] and other[7:] == key[7:]:
            found += rows
    return found


def main():
    opts = parse_args(sys.argv[1:])
    report = Report(opts["check"])
    try:
        os.makedirs(opts["out"], exist_ok=True)
        rows = []
        for path in opts["summaries"]:
            rows += read_summary(path)
        study_path = opts["study"]
        if study_path is None:
            first = (opts["summaries"] or opts["traces"])[0]
            study_path = os.path.join(os.path.dirname(os.path.abspath(first)), "study.json")
            if not os.path.exists(study_path):
                study_path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(first))), "study.json")
        study = read_study(study_path)
        series = OrderedDict()
        for r in rows:
            series.setdefault(series_key(r), []).append(r)
        for key, srows in series.items():
            if key[0] == "strong":
                plot_strong(srows, study, opts, report, real_match(key, series) if srows[0]["platform"] else ())
            else:
                plot_weak(srows, study, opts, report)
        for path in opts["traces"]:
            plot_gantt(path, opts["rep"], study, opts, report)
    except InputError as e:
        usage_error(str(e))
    except BrokenPipeError:
        os._exit(1)
    except OSError as e:
        usage_error("%s: %s" % (e.filename or opts["out"], e.strerror))


if __name__ == "__main__":
    main()
