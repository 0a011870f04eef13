#!/usr/bin/env bats
# files.bats: the files around a run stay whole and stay their own (docs/reliability.md): outputs follow
# coreutils (- is standard output, a link's target is replaced, a device is written in place), a failed
# append leaves the record file as it was, temporaries go on every exit that runs code, workers end with
# their parent, names and kinds of files are checked before the run, and no output replaces an input.
load ../lib/common

# PLAIN CMD...: CMD with SIGINT and SIGQUIT back to their defaults (bats' background jobs ignore them,
# and an ignored signal stays ignored, as under nohup); a command, not a function, so that $! is CMD
PLAIN=(python3 -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL); signal.signal(signal.SIGQUIT, signal.SIG_DFL)
os.execvp(sys.argv[1], sys.argv[1:])')

# with_fsize BYTES CMD...: CMD under a file size limit of BYTES (a write past it fails as on a full disk)
with_fsize() {
    python3 -c 'import os, resource, sys
n = int(sys.argv[1]); resource.setrlimit(resource.RLIMIT_FSIZE, (n, n)); os.execvp(sys.argv[2], sys.argv[2:])' "$@"
}

# start_long ARGS...: a run that lasts minutes, in the background (PID), once its trace's temporary exists
start_long() {
    "${PLAIN[@]}" "$PRIMES" count -n 1e13 -q --trace "$SCRATCH/trace.csv" "$@" >"$SCRATCH/out" 2>"$SCRATCH/err" 3>&- &
    PID=$!
    wait_for_temporary "$SCRATCH"
}

no_temporaries() {
    ! compgen -G "$SCRATCH/.primes-*" >/dev/null || { echo "left: $(ls -a "$SCRATCH")"; return 1; }
}

@test "-o -: the number goes to standard output, and no file named '-' is made" {
    cd "$SCRATCH"
    run "$PRIMES" product -n 30 -q -o - --hex
    [ "$status" -eq 0 ]
    [[ "$output" == *"$(printf '%x' 6469693230)"* ]]
    [ ! -e "$SCRATCH/-" ]
}

@test "-o LINK: the link stays a link and its target is replaced, keeping its permissions" {
    mkdir "$SCRATCH/real"
    printf 'old\n' >"$SCRATCH/real/p.txt"
    chmod 640 "$SCRATCH/real/p.txt"
    ln -s real/p.txt "$SCRATCH/link.txt"
    run "$PRIMES" product -n 30 -q -o "$SCRATCH/link.txt"
    [ "$status" -eq 0 ]
    [ -L "$SCRATCH/link.txt" ]
    [ "$(cat "$SCRATCH/real/p.txt")" = 6469693230 ]
    [ "$(stat -c %a "$SCRATCH/real/p.txt")" = 640 ]
    # a dangling link: the file it names is made
    ln -s new.txt "$SCRATCH/real/dangling"
    run "$PRIMES" product -n 30 -q -o "$SCRATCH/real/dangling"
    [ "$status" -eq 0 ]
    [ "$(cat "$SCRATCH/real/new.txt")" = 6469693230 ]
    no_temporaries
}

@test "-o and --trace to a device or a FIFO: written in place, and a write error is an error" {
    run "$PRIMES" product -n 1e4 -q -o /dev/full
    [ "$status" -eq 3 ]
    [[ "$output" == *"--output: cannot write '/dev/full': No space left on device"* ]]
    run "$PRIMES" count -n 1e4 -q --trace /dev/full
    [ "$status" -eq 3 ]
    [ -c /dev/full ]
    run "$PRIMES" product -n 1e4 -q -o /dev/null --trace /dev/null
    [ "$status" -eq 0 ]
    [ -c /dev/null ]
    mkfifo "$SCRATCH/fifo"
    cat "$SCRATCH/fifo" >"$SCRATCH/from-fifo" 3>&- &
    run "$PRIMES" product -n 30 -q -o "$SCRATCH/fifo"
    [ "$status" -eq 0 ]
    wait
    [ -p "$SCRATCH/fifo" ]
    [ "$(cat "$SCRATCH/from-fifo")" = 6469693230 ]
}

@test "a failed --csv append (file size limit, as a full disk) leaves the file exactly as it was" {
    local csv="$SCRATCH/runs.csv"
    "$PRIMES" count -n 1e5 -q -r 2 --csv "$csv" >/dev/null
    cp "$csv" "$SCRATCH/before.csv"
    run with_fsize "$(($(stat -c %s "$csv") + 40))" "$PRIMES" count -n 1e5 -q --csv "$csv"
    [ "$status" -eq 3 ]
    [[ "$output" == *"--csv: cannot append to '$csv': File too large"* ]]
    cmp "$csv" "$SCRATCH/before.csv"
    # the next append is a whole row, and analyze reads every row
    "$PRIMES" count -n 1e5 -q --csv "$csv" >/dev/null
    run "$PRIMES" analyze "$csv"
    [ "$status" -eq 0 ]
    [[ "$output" == *"3 runs"* ]]
}

@test "SIGINT, SIGTERM, SIGHUP: the run ends with 128+signal, one line, and no temporary" {
    local sig
    for sig in INT TERM HUP; do
        start_long
        kill -"$sig" "$PID"
        local status=0
        wait "$PID" || status=$?
        [ "$status" -eq $((128 + $(kill -l "$sig"))) ] || { echo "SIG$sig: status $status"; return 1; }
        grep -q "^primes: stopped by SIG$sig; no output file was left half-written$" "$SCRATCH/err"
        no_temporaries
        [ ! -e "$SCRATCH/trace.csv" ]
    done
}

@test "out of memory mid-run (a real address-space limit): exit 3 and no temporary" {
    # the trace's temporary exists from the start; the product's numbers outgrow 150 MB on the way
    run python3 -c 'import os, resource, sys
n = 150 << 20; resource.setrlimit(resource.RLIMIT_AS, (n, n)); os.execvp(sys.argv[1], sys.argv[1:])' \
        "$PRIMES" product -n 3e8 -q --trace "$SCRATCH/trace.csv" -o "$SCRATCH/p.txt"
    [ "$status" -eq 3 ]
    [[ "$output" == *"out of memory: GMP number"* ]]
    no_temporaries
    [ ! -e "$SCRATCH/trace.csv" ] && [ ! -e "$SCRATCH/p.txt" ]
}

@test "fork: the workers end with their parent, whether it is sent SIGTERM or SIGKILL" {
    local sig kids k
    for sig in TERM KILL; do
        start_long -m fork -t 2
        kids=$(pgrep -P "$PID" | tr '\n' ' ')
        [ -n "$kids" ]
        kill -"$sig" "$PID"
        wait "$PID" || true
        for k in $kids; do
            for _ in $(seq 50); do kill -0 "$k" 2>/dev/null || break; sleep 0.1; done
            ! kill -0 "$k" 2>/dev/null || { echo "SIG$sig: worker $k still runs"; return 1; }
        done
    done
}

@test "names checked before the run: a 251-character -o works, a 5000-character --csv is refused" {
    local long251 long5000
    long251=$(printf 'p%.0s' $(seq 251))
    run "$PRIMES" product -n 30 -q -o "$SCRATCH/$long251"
    [ "$status" -eq 0 ]
    [ "$(cat "$SCRATCH/$long251")" = 6469693230 ]
    long5000=$(printf 'c%.0s' $(seq 5000))
    run "$PRIMES" count -n 1e12 -q --csv "$SCRATCH/$long5000"
    [ "$status" -eq 2 ]
    [[ "$output" == *"--csv: "*"is too long: the name has 50"*"characters (allowed: fewer than 4096)"* ]]
    run "$PRIMES" count -n 1e12 -q --trace "$SCRATCH/$(printf 't%.0s' $(seq 300))"
    [ "$status" -eq 2 ]
    [[ "$output" == *"a name in it has 300 characters (allowed: at most 255 per name)"* ]]
}

@test "--csv is a record file: a device, a FIFO or '-' is refused at once, not read" {
    mkfifo "$SCRATCH/fifo"
    local what
    for what in /dev/zero /dev/full "$SCRATCH/fifo"; do
        run timeout 10 "$PRIMES" count -n 1e12 -q --csv "$what"
        [ "$status" -eq 2 ] || { echo "$what: status $status: $output"; return 1; }
        [[ "$output" == "primes: --csv: '$what' is not a regular file (allowed: "* ]]
    done
    run "$PRIMES" count -n 1e12 -q --csv -
    [ "$status" -eq 2 ]
    [[ "$output" == *"--csv: '-' is not a record file"* ]]
}

@test "two spellings of one file, new or existing, are one file" {
    cd "$SCRATCH"
    run "$PRIMES" product -n 1e4 -q --csv new.csv -o ./new.csv
    [ "$status" -eq 2 ]
    [[ "$output" == *"--output: './new.csv' is also the --csv file"* ]]
    run "$PRIMES" count -n 1e4 -q --csv a.csv --trace "$SCRATCH/../${SCRATCH##*/}/a.csv"
    [ "$status" -eq 2 ]
    [[ "$output" == *"is also the --csv file"* ]]
    ln -s a.csv alias.csv
    run "$PRIMES" count -n 1e4 -q --csv a.csv --trace alias.csv
    [ "$status" -eq 2 ]
    [ ! -e a.csv ] && [ ! -e new.csv ]
}

@test "analyze: the summary never replaces an input or a file of another kind" {
    local csv="$SCRATCH/runs.csv"
    "$PRIMES" count -n 1e5 -q -r 2 --csv "$csv" >/dev/null
    cp "$csv" "$SCRATCH/before.csv"
    run "$PRIMES" analyze --csv "$csv" "$csv"
    [ "$status" -eq 2 ]
    [[ "$output" == "primes: analyze: --csv: '$csv' is also an input (allowed: "* ]]
    run "$PRIMES" analyze --csv "$SCRATCH/./runs.csv" "$csv"
    [ "$status" -eq 2 ]
    cp "$csv" "$SCRATCH/other.csv"
    run "$PRIMES" analyze --csv "$SCRATCH/other.csv" "$csv"
    [ "$status" -eq 2 ]
    [[ "$output" == *"'$SCRATCH/other.csv' holds other data"* ]]
    cmp "$csv" "$SCRATCH/before.csv"
    cmp "$SCRATCH/other.csv" "$SCRATCH/before.csv"
    # an earlier summary is replaced, and - is standard output
    "$PRIMES" analyze --csv "$SCRATCH/summary.csv" "$csv" >/dev/null
    "$PRIMES" analyze --csv "$SCRATCH/summary.csv" "$csv" >/dev/null
    run "$PRIMES" analyze --csv - "$csv"
    [ "$status" -eq 0 ]
    [[ "$output" == *"schema,scaling,kernel"* ]]
    run "$PRIMES" analyze /dev/zero
    [ "$status" -eq 2 ]
    [[ "$output" == *"/dev/zero: not a regular file"* ]]
}

@test "overhead --csv refuses a runs file instead of appending to it" {
    local csv="$SCRATCH/runs.csv"
    "$PRIMES" count -n 1e5 -q --csv "$csv" >/dev/null
    cp "$csv" "$SCRATCH/before.csv"
    run "$PRIMES" overhead --csv "$csv"
    [ "$status" -eq 2 ]
    [[ "$output" == "primes: overhead: --csv: '$csv' holds other data (allowed: a new file, or one written by primes overhead --csv)" ]]
    cmp "$csv" "$SCRATCH/before.csv"
    run "$PRIMES" overhead --csv /dev/zero
    [ "$status" -eq 2 ]
}

@test "what primes writes, analyze reads: a run that failed verification is counted and left out" {
    local csv="$SCRATCH/runs.csv"
    "$PRIMES" count -n 1e5 -q -r 2 --csv "$csv" >/dev/null
    PRIMES_FAULT=miscount run "$PRIMES" count -n 1e5 -q --csv "$csv"
    [ "$status" -eq 1 ]
    run "$PRIMES" analyze "$csv"
    [ "$status" -eq 0 ]
    [[ "$output" == *"2 runs"* ]]
    [[ "$output" == *"failed verification: 1 run, left out of every statistic and fit (the first at $csv:4)"* ]]
}

@test "tutorials.sh and study.sh refuse a folder that is not theirs, and touch nothing in it" {
    mkdir -p "$SCRATCH/study" "$SCRATCH/tut"
    printf 'keep\n' >"$SCRATCH/study/runs.csv"
    printf '{}\n' >"$SCRATCH/study/study.json"
    run "$BATS_TEST_DIRNAME/../../scripts/tutorials.sh" --quick --dir "$SCRATCH/study"
    [ "$status" -eq 2 ]
    [[ "$output" == *"--dir: '$SCRATCH/study' holds files this script did not write (runs.csv study.json ...; no tutorials.json)"* ]]
    [ "$(cat "$SCRATCH/study/runs.csv")" = keep ]
    printf '{}\n' >"$SCRATCH/tut/tutorials.json"
    run "$BATS_TEST_DIRNAME/../../scripts/study.sh" --dir "$SCRATCH/tut" --models serial --workers 1 --reps 1
    [ "$status" -eq 2 ]
    [[ "$output" == *"holds files this script did not write (tutorials.json ...; no study.json)"* ]]
    printf 'x\n' >"$SCRATCH/file"
    run "$BATS_TEST_DIRNAME/../../scripts/study.sh" --dir "$SCRATCH/file" --models serial --workers 1 --reps 1
    [ "$status" -eq 2 ]
    [[ "$output" == *"is not a folder"* ]]
}
