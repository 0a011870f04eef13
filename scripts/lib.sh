# scripts/lib.sh: what the suite's bash scripts share, sourced by them (never run): JSON strings escaped
# right, time stamps, the one-line usage error, an atomic file writer, and the facts `primes --list`
# gives about its kernels, methods and models (the scripts' one source for them: no script names a
# model or kernel to decide what it can do).
# shellcheck shell=bash

# Where the suite's parts are, in a checkout or installed (make install: PREFIX/share/primes holds
# scripts/, jobs/ and platforms/; the binary is PREFIX/bin/primes, the simulated one
# PREFIX/libexec/primes/smpi/primes). ROOT: the folder above the script's own (symbolic links resolved).
# lib_installed ROOT: ROOT is an installed tree, not a checkout (it has no Makefile).
lib_installed() { [[ ! -e "$1/Makefile" ]]; }

# lib_default_primes ROOT: the binary a script runs when neither --primes nor PRIMES names one: ROOT/primes
# in a checkout, PREFIX/bin/primes installed, else primes on PATH; ROOT/primes when there is none, so the
# script's message says where it looked.
lib_default_primes() {
    local root=$1 found
    if [[ -f "$root/primes" && -x "$root/primes" ]]; then
        echo "$root/primes"
    elif lib_installed "$root" && [[ -x "$root/../../bin/primes" ]]; then
        echo "$(cd "$root/../../bin" && pwd)/primes"
    elif found=$(command -v primes 2>/dev/null); then
        echo "$found"
    else
        echo "$root/primes"
    fi
}

# lib_default_smpi ROOT: the simulated binary: build/smpi/primes in a checkout (make smpi), installed
# PREFIX/libexec/primes/smpi/primes.
lib_default_smpi() {
    if lib_installed "$1"; then echo "$(cd "$1/../.." && pwd)/libexec/primes/smpi/primes"; else echo "$1/build/smpi/primes"; fi
}

# lib_results_root ROOT: where a study goes when not told: ROOT/results in a checkout, ./results installed
# (an installed tree is not the user's to write in).
lib_results_root() {
    if lib_installed "$1"; then echo "$PWD/results"; else echo "$1/results"; fi
}

# lib_command ROOT SCRIPT: how a user calls one of the suite's scripts (report.py, study.sh, ...), for a
# message: primes-report installed, scripts/report.py in a checkout.
lib_command() {
    if lib_installed "$1"; then local name=${2%.*}; echo "primes-$name"; else echo "scripts/$2"; fi
}

# lib_mpi_library PRIMES: the MPI library the binary is linked with, from `primes info`: openmpi, mpich,
# none (built without MPI) or other.
lib_mpi_library() {
    local line
    line=$("$1" info 2>/dev/null | sed -n 's/^mpi  *//p' | head -n 1)
    case "$line" in
        "Open MPI"*) echo openmpi ;;
        MPICH*) echo mpich ;;
        "not compiled in"* | "none"*) echo none ;;
        *) echo other ;;
    esac
}

# lib_json_string TEXT: TEXT as a JSON string literal: backslash, quote and every control character
# escaped (\n \r \t and \u00XX), other bytes as they are.
lib_json_string() {
    local s="$1" i c code
    s=${s//\\/\\\\}
    s=${s//\"/\\\"}
    s=${s//$'\n'/\\n}
    s=${s//$'\r'/\\r}
    s=${s//$'\t'/\\t}
    if [[ "$s" == *[$'\001'-$'\037']* ]]; then
        for ((i = 1; i < 32; i++)); do
            printf -v code '\\u%04x' "$i"
            printf -v c '%b' "\\$(printf '%03o' "$i")"
            s=${s//"$c"/$code}
        done
    fi
    printf '"%s"' "$s"
}

# lib_json_list ITEM...: a JSON array: numbers when every item is a whole number, else strings.
lib_json_list() {
    local out="" item numeric=1
    for item in "$@"; do [[ "$item" =~ ^[0-9]+$ ]] || numeric=0; done
    for item in "$@"; do
        if ((numeric)); then out+="${out:+, }$item"; else out+="${out:+, }$(lib_json_string "$item")"; fi
    done
    printf '[%s]' "$out"
}

# lib_now: the UTC time, ISO 8601 to the second.
lib_now() { date -u +%Y-%m-%dT%H:%M:%SZ; }

# lib_die_usage MESSAGE: one line on stderr, "NAME: MESSAGE" (NAME: $LIB_PROG, else the script's), exit 2.
lib_die_usage() {
    echo "${LIB_PROG:-$(basename "$0")}: $*" >&2
    exit 2
}

# lib_write_atomic FILE: writes stdin to FILE whole or not at all (a temporary name beside it, renamed).
lib_write_atomic() {
    local tmp="$1.tmp.$$"
    if cat >"$tmp" && mv "$tmp" "$1"; then return 0; fi
    rm -f "$tmp"
    return 1
}

# lib_is_count VALUE LO HI: VALUE is a whole number in LO .. HI, written in decimal digits (a leading
# zero is decimal too: 08 is 8, never bash's octal). At most 9 digits are read, so a huge value is
# refused instead of wrapping around.
lib_is_count() {
    [[ "$1" =~ ^[0-9]{1,9}$ ]] && ((10#$1 >= $2 && 10#$1 <= $3))
}

# lib_claim_dir DIR MARKER: DIR may be written by this script, whose folders hold MARKER: DIR is new,
# empty (a lock left by a stopped run does not count), or holds MARKER. A file, or a folder holding
# anything else (a study given to tutorials.sh, someone's data), is refused with one line and exit 2,
# before anything in it is touched.
lib_claim_dir() {
    local dir=$1 marker=$2 found
    [[ ! -e "$dir" || -d "$dir" ]] ||
        lib_die_usage "--dir: '$dir' is not a folder (allowed: a new folder, or one this script wrote)"
    [[ -d "$dir" && ! -e "$dir/$marker" ]] || return 0
    found=$(find "$dir" -mindepth 1 -maxdepth 1 ! -name .lock -printf '%f\n' 2>/dev/null | LC_ALL=C sort | head -n 3 |
        paste -sd ' ' -)
    [[ -z "$found" ]] ||
        lib_die_usage "--dir: '$dir' holds files this script did not write ($found ...; no $marker) (allowed: a new" \
            "or empty folder, or one with $marker)"
}

# lib_listed PRIMES SECTION: the names primes --list gives in SECTION (kernels, methods, models,
# schedules), one a line.
lib_listed() {
    "$1" --list | awk -v section="$2:" '$0 == section {on = 1; next} /^[a-z][^ ]*.*:$/ {on = 0} on && NF {print $1}'
}

# lib_has_fact PRIMES SECTION NAME FACT: whether NAME's line in SECTION carries FACT in its brackets
# ("[mpi, one thread]"; a kernel's "[sieve trial naive]" lists its methods).
lib_has_fact() {
    "$1" --list | awk -v section="$2:" -v name="$3" -v fact="$4" '
        $0 == section {on = 1; next}
        /^[a-z][^ ]*.*:$/ {on = 0}
        on && $1 == name {
            line = $0
            while (match(line, /\[[^]()[]*\]/)) { # a fact bracket holds no parenthesis
                n = split(substr(line, RSTART + 1, RLENGTH - 2), facts, /, /)
                for (i = 1; i <= n; i++) {
                    if (facts[i] == fact) found = 1
                    if (n == 1 && index(" " facts[i] " ", " " fact " ")) found = 1 # a list of words
                }
                line = substr(line, RSTART + RLENGTH)
            }
        }
        END {exit found ? 0 : 1}'
}

# LIB_CSV_AWK: an awk prelude for CSV files with a header (RFC 4180 quotes, CRLF): split_csv(line, f)
# splits a record into f[1..n], and col[NAME] is the field number of each header column. Use it as
#   awk "$LIB_CSV_AWK"' { split_csv($0, f); print f[col["wall_s"]] }' FILE
# shellcheck disable=SC2034,SC2016 # used by the scripts that source this file; awk, not shell, in quotes
LIB_CSV_AWK='
function split_csv(line, f,    n, i, c, field, q) {
    n = 0; field = ""; q = 0
    for (i = 1; i <= length(line); i++) {
        c = substr(line, i, 1)
        if (q) {
            if (c == "\"") { if (substr(line, i + 1, 1) == "\"") { field = field c; i++ } else q = 0 }
            else field = field c
        } else if (c == "\"") q = 1
        else if (c == ",") { f[++n] = field; field = "" }
        else field = field c
    }
    f[++n] = field
    return n
}
{ sub(/\r$/, "") }
NR == 1 { split_csv($0, h); for (i in h) col[h[i]] = i; next }'

# lib_primes_check COMMAND...: runs COMMAND... --check (primes and its words, perhaps behind env); when
# primes refuses, prints its reason (its one line without "primes: ", or its exit status when it printed
# none) and returns 1. The scripts plan with it: primes is the one judge of what a run accepts.
lib_primes_check() {
    local out status=0
    out=$("$@" --check 2>&1 >/dev/null) || status=$?
    ((status != 0)) || return 0
    out=$(grep '^primes: ' <<<"$out" | tail -n 1 || true)
    if [[ -n "$out" ]]; then echo "${out#primes: }"; else echo "primes --check stopped with status $status"; fi
    return 1
}

# lib_disturbed_rows FILE: how many rows of a runs CSV primes judged disturbed (0 for a file without).
lib_disturbed_rows() {
    [[ -s "$1" ]] || { echo 0; return 0; }
    awk "$LIB_CSV_AWK"' { split_csv($0, f); if (("disturbed" in col) && f[col["disturbed"]] == "true") n++ }
        END { print n + 0 }' "$1"
}
