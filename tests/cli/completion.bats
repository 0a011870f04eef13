#!/usr/bin/env bats
# completion.bats: completions/primes.bash, in bash itself: it registers for primes, and completes
# kernels, models, methods, schedules, workloads and options from the binary's own --list and --help.
load ../lib/common

# completes WORD... : COMPREPLY for the command line "primes WORD..." (the last word being completed)
completes() {
    # shellcheck disable=SC1091
    source "$BATS_TEST_DIRNAME/../../completions/primes.bash"
    COMP_WORDS=("$PRIMES" "$@")
    COMP_CWORD=$#
    _primes
    printf '%s\n' "${COMPREPLY[@]}"
}

@test "the completion registers for primes" {
    # shellcheck disable=SC1091
    source "$BATS_TEST_DIRNAME/../../completions/primes.bash"
    [[ "$(complete -p primes)" == "complete -F _primes primes" ]]
}

@test "it completes what primes --list and --help name, and nothing else" {
    [ "$(completes "" | xargs)" = "count product spin tasks analyze overhead info" ]
    [ "$(completes -m "" | xargs)" = "$("$PRIMES" --list | awk '/^models:/ {on = 1; next} /^[a-z].*:$/ {on = 0} on {print $1}' | xargs)" ]
    [ "$(completes --model h | xargs)" = hybrid ]
    [ "$(completes count --method "" | xargs)" = "sieve trial naive" ]
    [ "$(completes -s dy | xargs)" = dynamic ]
    [ "$(completes tasks -w mi | xargs)" = mixed ]
    [ "$(completes --ver | xargs)" = "--verify --version" ]
    # every option --help names is offered
    local o
    for o in $("$PRIMES" --help | grep -oE -- '--[a-z][a-z-]*' | sort -u); do
        completes "--" | grep -qx -- "$o" || { echo "not offered: $o"; return 1; }
    done
    # a number is the user's to type
    [ -z "$(completes -n "")" ]
    # files after --csv
    touch "$SCRATCH/runs.csv"
    [ "$(completes --csv "$SCRATCH/ru")" = "$SCRATCH/runs.csv" ]
}
