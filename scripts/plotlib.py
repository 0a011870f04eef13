# plotlib.py: what scripts/plot.py and scripts/plot_tutorials.py share: reading the CSV files primes
# writes (columns by name, every number checked, errors naming FILE:LINE), the one-line usage error, and
# one colour and marker per model so that a model looks the same in every figure of the suite. Standard
# library only: plot_tutorials.py --plan and --table run without matplotlib.
import csv
import os
import sys

# The models in the order primes lists them (primes --list); any other comes after, in the order met.
MODEL_ORDER = ["serial", "omp", "pthreads", "fork", "events", "mpi", "hybrid"]
_MARKERS = ["s", "o", "^", "D", "X", "v", "P", "*", "h", "<"]
_extra = []


class InputError(Exception):
    """A file that cannot be read as what it should be: the message names FILE[:LINE]."""


def usage_error(message, prog=None):
    """One line on stderr, "PROG: MESSAGE", and exit status 2."""
    sys.stderr.write("%s: %s\n" % (prog or os.path.basename(sys.argv[0]), message))
    sys.exit(2)


def model_index(model):
    if model in MODEL_ORDER:
        return MODEL_ORDER.index(model)
    if model not in _extra:
        _extra.append(model)
    return len(MODEL_ORDER) + _extra.index(model)


def model_color(model):
    return "C%d" % (model_index(model) % 10)


def model_marker(model):
    return _MARKERS[model_index(model) % len(_MARKERS)]


def number(text, path, line, column):
    """A CSV cell as a float (NaN when empty); an InputError naming the cell otherwise."""
    if text == "":
        return float("nan")
    try:
        return float(text)
    except ValueError:
        raise InputError("%s:%d: %s: '%s' is not a number" % (path, line, column, text))


def csv_rows(path, need, what):
    """The rows of a CSV file with the columns `need`, each with its line number; an InputError naming the
    file (and `what` it should have been) when it cannot be read or lacks a column."""
    try:
        f = open(path, newline="")
    except OSError as e:
        raise InputError("%s: cannot open: %s" % (path, e.strerror))
    with f:
        reader = csv.DictReader(f)
        missing = [c for c in need if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError("%s:1: missing columns %s: not %s" % (path, ", ".join(missing), what))
        return [(reader.line_num, row) for row in reader]


def read_trace(path):
    """Every work item of a primes --trace file: dicts of rep, item, rank, thread (numbers), host, start_s
    and stop_s (seconds on the run's one clock); and, in traces that carry them (what ran and how each
    repetition ended), kernel, method, model (text), from, n, ranks, threads, wall_s, settle_s, merge_s."""
    need = ["rep", "item", "rank", "thread", "host", "start_s", "stop_s"]
    items = []
    for line, row in csv_rows(path, need, "a trace of primes --trace"):
        item = {k: number(row[k], path, line, k) for k in ("rep", "item", "rank", "thread", "start_s", "stop_s")}
        item["host"] = row["host"]
        if row.get("wall_s"):
            for k in ("from", "n", "ranks", "threads", "wall_s", "settle_s", "merge_s"):
                item[k] = number(row[k], path, line, k)
            for k in ("kernel", "method", "model"):
                item[k] = row[k]
        items.append(item)
    if not items:
        raise InputError("%s: no work items in the trace" % path)
    return items
