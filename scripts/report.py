#!/usr/bin/env python3
# report.py: one self-contained HTML page of a study folder (DIR/report.html): what was run and where,
# per kernel and model the table of workers, median, spread, speedup with its interval, efficiency and
# Karp-Flatt, the fits with what they can claim, the plots as inline SVG, the warnings a reader needs,
# and the raw rows embedded and downloadable. No network, no external URL: it opens from file://.
# The statistics are primes analyze's (run here on DIR/runs.csv), the plots scripts/plot.py's.
"""usage: scripts/report.py DIR [--out FILE] [--primes PATH] [--runs FILE]... [--weak] [--compare OTHER]

  DIR            a study folder (scripts/study.sh, make run, scripts/simulate.sh study, the Slurm
                 analysis job): its runs.csv, and study.json, info.txt and traces/ when present
  --out FILE     where the page goes (default DIR/report.html); written under a temporary name and
                 renamed, so a page is never half-written
  --primes PATH  the primes binary for the analysis (default $PRIMES, else the checkout's ./primes, else the installed one)
  --runs FILE    a runs CSV to report instead of DIR/runs.csv (repeatable: the Slurm jobs write one per
                 job, runs-STUDY-JOBID.csv; analysed together, embedded as one file)
  --weak         weak scaling (default: study.json's scaling, else strong)
  --compare OTHER  add this study compared with OTHER (a study folder or runs CSV: primes analyze
                 --compare OTHER DIR, what differs, B/A per point with its interval and verdict)
  -h, --help     this text

exit status: 0 written, 2 bad usage or input (one line on stderr: report.py: what is wrong)
"""
import base64
import csv
import html
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.realpath(__file__))  # installed, bin/primes-report links here
REPO = os.path.dirname(HERE)
# a page stays a page: the raw rows shown inline are capped (all of them are in the download)
SHOWN_ROWS = 200
NOISY = 0.10       # a point whose 95% interval exceeds 10% of its mean is called noisy
FEW_RUNS = 5


class BadInput(Exception):
    pass


def fail(message):
    sys.stderr.write("report.py: %s\n" % " ".join(str(message).split()))
    sys.exit(2)


def default_primes():
    """The binary when neither --primes nor PRIMES names one, as scripts/lib.sh's lib_default_primes finds
    it: the checkout's ./primes, the installed PREFIX/bin/primes (REPO is PREFIX/share/primes), or PATH's."""
    for candidate in (os.path.join(REPO, "primes"),
                      os.path.join(REPO, "..", "..", "bin", "primes") if not os.path.exists(os.path.join(REPO, "Makefile")) else ""):
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return os.path.normpath(candidate)
    return shutil.which("primes") or os.path.join(REPO, "primes")


def parse_args(argv):
    opts = {"dir": None, "out": None, "primes": os.environ.get("PRIMES") or default_primes(),
            "runs": [], "weak": False, "compare": None}
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in ("-h", "--help"):
            sys.stdout.write(__doc__)
            sys.exit(0)
        if a in ("--out", "--primes", "--runs", "--compare"):
            if i + 1 >= len(argv):
                fail("%s needs a value (allowed: see --help)" % a)
            if a == "--runs":
                opts["runs"].append(argv[i + 1])
            else:
                opts[a[2:]] = argv[i + 1]
            i += 2
            continue
        if a == "--weak":
            opts["weak"] = True
            i += 1
            continue
        if a.startswith("-"):
            fail("unknown option '%s' (allowed: see --help)" % a)
        if opts["dir"] is not None:
            fail("one study folder at a time: '%s' and '%s' (allowed: DIR)" % (opts["dir"], a))
        opts["dir"] = a
        i += 1
    if opts["dir"] is None:
        fail("no study folder given (usage: scripts/report.py DIR, see --help)")
    return opts


def read_text(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def run(cmd, what):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    if p.returncode != 0:
        lines = [l for l in p.stderr.splitlines() if l.strip()]
        raise BadInput(lines[-1] if lines else "%s failed with status %d" % (what, p.returncode))
    return p.stdout


def runs_files(opts, d):
    if not os.path.isdir(d):
        raise BadInput("'%s' is not a folder (allowed: a study folder holding runs.csv)" % d)
    files = opts["runs"] or [os.path.join(d, "runs.csv")]
    for runs in files:
        if not os.path.isfile(runs) or os.path.getsize(runs) == 0:
            raise BadInput("%s: no runs (no such file, or an empty one; allowed: a study folder written by "
                           "scripts/study.sh, make run or the Slurm jobs, or --runs FILE)" % runs)
    return files


def joined_rows(files):
    """The runs files as one CSV text: the first header, then every file's rows (their headers equal)."""
    text, header = "", None
    for path in files:
        lines = read_text(path).splitlines(True)
        if not lines:
            continue
        if header is None:
            header = lines[0]
            text += header
        text += "".join(l for l in lines[1:] if l != header)
    return text


def analyse(opts, d, tmp, study):
    files = runs_files(opts, d)
    if not os.access(opts["primes"], os.X_OK):
        raise BadInput("no primes binary at '%s' (build it with make, or give --primes PATH)" % opts["primes"])
    summary = os.path.join(tmp, "summary.csv")
    cmd = [opts["primes"], "analyze", "--csv", summary]
    if opts["weak"] or study.get("scaling") == "weak":
        cmd.append("--weak")
    table = run(cmd + files, "primes analyze")
    with open(summary, newline="") as f:
        rows = list(csv.DictReader(f))
    return table, rows


def plots(d, tmp):
    """Inline SVG of every plot of the summary, and the timelines of the first round's 2-worker traces."""
    out = os.path.join(tmp, "plots")
    cmd = [os.path.join(HERE, "plot.py"), "--format", "svg", "--out", out, os.path.join(tmp, "summary.csv")]
    traces = sorted(os.path.join(d, "traces", t) for t in os.listdir(os.path.join(d, "traces"))
                    if re.search(r"-(omp-1x2|mpi-2x1)-round1\.csv$", t)) if os.path.isdir(os.path.join(d, "traces")) else []
    for t in traces[:4]:
        cmd += ["--trace", t]
    try:
        listed = run(cmd, "scripts/plot.py")
    except BadInput as e:
        return [], "the plots could not be drawn: %s" % e
    figures = []
    for path in (l.strip() for l in listed.splitlines()):
        if path.endswith(".svg") and os.path.isfile(path):
            svg = read_text(path)
            svg = svg[svg.find("<svg"):]          # the XML prologue and DOCTYPE have no place inside HTML
            # no URL in the page, not even one never fetched: the RDF metadata goes, and inside HTML the
            # parser knows SVG's namespaces (xlink:href included) without their declarations
            svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
            svg = re.sub(r'\s+xmlns(:xlink)?="[^"]*"', "", svg)
            figures.append((os.path.basename(path)[:-4], svg))
    return figures, ""


def number(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return float("nan")


def with_ci(value, ci, digits=2):
    v, c = number(value), number(ci)
    if v != v:
        return "–"
    if c != c:
        return "%.*f" % (digits, v)
    return "%.*f ± %.*f" % (digits, v, digits, c)


def series_key(r):
    return (r["scaling"], r["kernel"], r["method"], r["from"], r["n"] if r["scaling"] == "strong" else "",
            r.get("platform", ""))


def series_title(r):
    n = r["n"] if r["scaling"] == "strong" else "%s at 1 worker" % r["n"]
    what = "%s by %s, n = %s" % (r["kernel"], r["method"], n)
    if r.get("platform"):
        what += ", simulated on %s" % r["platform"]
    return "%s (%s scaling)" % (what, r["scaling"])


VERDICT_WORDS = {
    "exact": "an exact fit of %s worker counts: the law passes through them, no test",
    "few-points": "tested on only %s worker counts: says little",
    "poor": "the law does not describe these times (p < 0.01, %s worker counts)",
    "tested": "tested on %s worker counts, nothing against it",
    "outside-law": "the times do not follow the law (the fitted fraction lies outside [0, 1]; %s worker counts)",
}


def warnings_of(rows, failed):
    out = []
    over = sorted({int(r["workers"]) for r in rows if r["oversubscribed"] == "true"})
    if over:
        out.append("Oversubscribed: %s workers run on fewer cores; those points measure time sharing and are "
                   "left out of the fits." % ", ".join(map(str, over)))
    few = [r for r in rows if int(r["used"] or 0) < FEW_RUNS]
    if few:
        out.append("Too few repetitions: %s with fewer than %d runs, so their intervals are wide." % (
            ", ".join("%s at %s" % (r["model"], r["workers"]) for r in few), FEW_RUNS))
    noisy = [r for r in rows if number(r["ci95_s"]) > NOISY * number(r["mean_s"])]
    if noisy:
        out.append("Noisy: %s, whose 95%% interval exceeds %d%% of the mean." % (
            ", ".join("%s at %s" % (r["model"], r["workers"]) for r in noisy), NOISY * 100))
    shaken = [r for r in rows if int(r.get("disturbed") or 0) > 0]
    if shaken:
        out.append("Disturbed runs left out: %s (other processes took the CPUs, or the workers were "
                   "descheduled; scripts/study.sh --remeasure-disturbed runs them again)." % ", ".join(
                       "%s at %s: %s" % (r["model"], r["workers"], r["disturbed"]) for r in shaken))
    if failed:
        out.append("Failed verification: %d run(s) gave a wrong answer; they are left out of every statistic." % failed)
    return out


def tables(rows, failed):
    groups = {}
    for r in rows:
        groups.setdefault(series_key(r), []).append(r)
    parts = []
    for key, group in groups.items():
        strong = key[0] == "strong"
        head = ["model", "workers", "R×T", "runs", "median s", "sd s, min s", "speedup", "efficiency",
                "Karp–Flatt" if strong else "Gustafson α"]
        body = []
        for r in group:
            mark = "*" if r["oversubscribed"] == "true" else ""
            klass = ' class="over"' if mark else ""
            last = with_ci(r["karp_flatt"], r["karp_flatt_ci95"], 3) if strong else \
                with_ci(r.get("gustafson_alpha"), r.get("gustafson_alpha_ci95"), 3)
            cells = [r["model"], r["workers"] + mark, "%s×%s" % (r["ranks"], r["threads"]), r["used"],
                     "%.4g" % number(r["median_s"]), "%.2g, %.4g" % (number(r["sd_s"]), number(r["min_s"])),
                     with_ci(r["speedup"], r["speedup_ci95"]), with_ci(r["efficiency"], r["efficiency_ci95"]), last]
            body.append("<tr%s>%s</tr>" % (klass, "".join("<td>%s</td>" % html.escape(str(c)) for c in cells)))
        fits = []
        seen = set()
        for r in group:
            if r["model"] in seen or not r.get("fit_law"):
                continue
            seen.add(r["model"])
            verdict = r.get("fit_verdict", "")
            words = VERDICT_WORDS.get(verdict, "%s") % (r.get("fit_worker_counts") or "?")
            symbol = "f" if r["fit_law"] == "amdahl" else "α"
            value = "" if verdict == "outside-law" else "%s = %s, " % (symbol, with_ci(r["fit_serial_fraction"], r["fit_ci95"], 3))
            fits.append("<li><b>%s</b>: %s%s</li>" % (html.escape(r["model"]), html.escape(value), html.escape(words)))
        law = "Amdahl's law T(p) = T1 (f + (1 − f)/p)" if strong else "Gustafson's law S(p) = α + (1 − α) p"
        warn = "".join("<li>%s</li>" % html.escape(w) for w in warnings_of(group, failed))
        parts.append(
            '<section class="series"><h2>%s</h2>\n<table class="runs"><thead><tr>%s</tr></thead><tbody>\n%s\n'
            "</tbody></table>\n<p class=\"note\">median, sd and min of the runs used; speedup: the same model's mean "
            "time at 1 worker over this mean; ± is the half-width of the 95%% interval; * more workers than "
            "cores.</p>\n"
            "<h3>Fits: %s, weighted least squares over every run</h3><ul>%s</ul>\n%s</section>" % (
                html.escape(series_title(group[0])), "".join("<th>%s</th>" % html.escape(h) for h in head),
                "\n".join(body), html.escape(law), "".join(fits) or "<li>no fit (fewer than two worker counts)</li>",
                '<h3>Warnings</h3><ul class="warn">%s</ul>' % warn if warn else ""))
    return "\n".join(parts)


def provenance(study, first, info):
    facts = [
        ("study", study.get("name")), ("status", study.get("status")), ("scaling", study.get("scaling")),
        ("measured", "%s to %s" % (study.get("created", "?"), study.get("updated", "?")) if study else None),
        ("command", study.get("command")), ("host", first.get("host")), ("hosts", first.get("hosts")),
        ("CPU", first.get("cpu_model")), ("cores", "%s online, %s allowed (%s)" % (
            first.get("cores_online"), first.get("cores_allowed"), first.get("affinity"))),
        ("primes", first.get("version")), ("commit", first.get("git_commit")),
        ("compiler", first.get("compiler")), ("flags", first.get("cflags")),
        ("MPI", "%s (%s)" % (first.get("mpi_library"), first.get("mpi_thread_level"))),
        ("launcher", study.get("launcher_version") or study.get("launcher")),
        ("OpenMP settings", first.get("omp_env") or "none set"), ("GMP, GSL", "%s, %s" % (
            first.get("gmp_version"), first.get("gsl_version"))),
        ("Slurm", "job %s on %s" % (first.get("slurm_job_id"), first.get("slurm_nodelist"))
         if first.get("slurm_job_id") else "not a Slurm job"),
        ("simulated", "%s (SimGrid %s)" % (first.get("sim_platform"), first.get("simgrid_version"))
         if first.get("simulated") == "true" else None),
    ]
    rows = "".join("<tr><th>%s</th><td>%s</td></tr>" % (html.escape(k), html.escape(str(v)))
                   for k, v in facts if v not in (None, ""))
    extra = '<details><summary>info.txt</summary><pre>%s</pre></details>' % html.escape(info) if info else ""
    return '<table class="prov">%s</table>%s' % (rows, extra)


STYLE = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 72em; padding: 0 1em; color: #222; }
h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 2em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin: 0.5em 0; } td, th { padding: 0.2em 0.6em; text-align: right; }
table.prov th, table.prov td { text-align: left; vertical-align: top; } table.prov th { color: #555; }
table.runs tr:nth-child(even) { background: #f4f4f4; } table.runs tr.over { color: #888; }
table.runs th { border-bottom: 1px solid #999; } .note { color: #555; font-size: 0.9em; }
ul.warn li { color: #8a4b00; } figure { margin: 1em 0; } figure svg { max-width: 100%; height: auto; }
pre { background: #f6f6f6; padding: 0.6em; overflow-x: auto; font-size: 12px; }
"""


def page(d, study, first, info, table_text, rows, figures, plot_note, raw, failed, comparison):
    title = "Scaling study %s" % (study.get("name") or os.path.basename(os.path.abspath(d)))
    figs = "\n".join('<figure id="%s">%s<figcaption>%s</figcaption></figure>' % (
        html.escape(name), svg, html.escape(name)) for name, svg in figures)
    reader = csv.reader(io.StringIO(raw))
    header = next(reader, [])
    shown = [row for _, row in zip(range(SHOWN_ROWS), reader)]
    count = max(raw.count("\n") - 1, 0)
    raw_table = "<table class=\"raw\"><thead><tr>%s</tr></thead><tbody>%s</tbody></table>" % (
        "".join("<th>%s</th>" % html.escape(h) for h in header),
        "".join("<tr>%s</tr>" % "".join("<td>%s</td>" % html.escape(c) for c in row) for row in shown))
    download = "data:text/csv;base64," + base64.b64encode(raw.encode("utf-8")).decode("ascii")
    return """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>%(title)s</title>
<meta name="generator" content="primes scripts/report.py">
<style>%(style)s</style></head>
<body>
<h1>%(title)s</h1>
<h2>What was run, and where</h2>
%(prov)s
%(tables)s
<h2>Plots</h2>
%(plot_note)s
%(figs)s
%(comparison)s
<h2>The analysis as primes analyze printed it</h2>
<pre>%(table_text)s</pre>
<h2>The raw rows</h2>
<p><a download="runs.csv" href="%(download)s">runs.csv</a>: all %(count)d rows, embedded in this page
(every column of <code>primes --csv</code>, docs/results-format.md)%(shown)s.</p>
<details><summary>the rows</summary>%(raw_table)s</details>
</body></html>
""" % {"title": html.escape(title), "style": STYLE, "prov": provenance(study, first, info),
       "tables": tables(rows, failed), "figs": figs,
       "plot_note": '<p class="note">%s</p>' % html.escape(plot_note) if plot_note else "",
       "table_text": html.escape(table_text), "download": download, "count": count,
       "shown": "; the first %d below" % SHOWN_ROWS if count > SHOWN_ROWS else "", "raw_table": raw_table,
       "comparison": '<h2 id="comparison">Compared with another study (A: the other, B: this one)</h2>\n'
                     '<pre>%s</pre>' % html.escape(comparison) if comparison else ""}


def main():
    opts = parse_args(sys.argv[1:])
    d = opts["dir"]
    out = opts["out"] or os.path.join(d, "report.html")
    try:
        study = json.loads(read_text(os.path.join(d, "study.json")) or "{}")
    except ValueError:
        study = {}
    with tempfile.TemporaryDirectory(prefix="primes-report-") as tmp:
        try:
            table_text, rows = analyse(opts, d, tmp, study)
            comparison = ""
            if opts["compare"]:
                files = runs_files(opts, d)
                if len(files) != 1:
                    raise BadInput("--compare takes a study of one runs file (allowed: DIR, or one --runs FILE)")
                comparison = run([opts["primes"], "analyze", "--compare", opts["compare"], files[0]],
                                 "primes analyze --compare")
        except BadInput as e:
            fail(str(e)[len("primes: "):] if str(e).startswith("primes: ") else e)
        raw = joined_rows(runs_files(opts, d))
        every = list(csv.DictReader(io.StringIO(raw)))
        first = dict(every[0]) if every else {}
        # a study mixes models: its MPI is that of the first row that started MPI
        mpi = next((r for r in every if r.get("mpi_library") not in (None, "", "none")), None)
        if mpi:
            first["mpi_library"], first["mpi_thread_level"] = mpi["mpi_library"], mpi.get("mpi_thread_level")
        else:
            first["mpi_library"], first["mpi_thread_level"] = "not started by these runs", "no MPI model ran"
        # the OpenMP settings differ between points (OMP_NUM_THREADS follows the workers): all of them
        first["omp_env"] = "; ".join(sorted({r.get("omp_env") or "none set" for r in every}))
        failed = sum(1 for r in every if r.get("verify_ok") == "false")
        figures, plot_note = plots(d, tmp)
        text = page(d, study, first, read_text(os.path.join(d, "info.txt")), table_text, rows, figures, plot_note,
                    raw, failed, comparison)
    target_dir = os.path.dirname(os.path.abspath(out))
    fd, part = tempfile.mkstemp(prefix=".report-", suffix=".html", dir=target_dir)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(part, 0o644)
        os.replace(part, out)
    except OSError as e:
        os.unlink(part)
        fail("cannot write %s: %s" % (out, e.strerror))
    print(out)


if __name__ == "__main__":
    main()
