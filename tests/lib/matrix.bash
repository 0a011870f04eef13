# matrix.bash: the equality matrix of the models: every kernel and method, on ranges that include an
# empty one, a tiny one (fewer items than workers) and one starting inside a segment, under a model,
# every schedule and several worker counts, must give every result field identical to serial.

# Each case: kernel, method (- for none), the chunk that cuts the range into a few dozen items, then the
# range options. -n 1 is a range of one number (one item); -n 100 has fewer items than workers.
MATRIX_CASES=(
    "count sieve 100000 --from 1000003 -n 3000000"
    "count trial 15000 --from 1000003 -n 1300000"
    "count naive 500 --from 20011 -n 30000"
    "product sieve 100000 --from 1000003 -n 3000000"
    "product trial 15000 --from 1000003 -n 1300000"
    "product naive 500 --from 20011 -n 30000"
    "spin - 300000 --from 12345 -n 5000000"
    "count sieve 1000 -n 1"
    "product sieve 1000 -n 1"
    "count sieve 1000 -n 100"
    "product naive 1000 -n 100"
)
MATRIX_SCHEDULES=(static cyclic dynamic guided batch)

# The fields that must agree, from one JSON line.
result_key() {
    python3 -c '
import json, sys
for line in sys.stdin:
    r = json.loads(line)
    print(json.dumps([r["kernel"], r["method"], r["from"], r["n"], r["chunk"], r["items"], r["result"],
                      r["verified"], r["verify_ok"]], sort_keys=True))
'
}

# case_args CASE SCHEDULE: the primes arguments of one case under one schedule.
case_args() {
    local kernel method chunk
    local -a range
    read -r kernel method chunk _ <<<"$1"
    read -r -a range <<<"$1"
    local args=("$kernel" "${range[@]:3}" --schedule "$2,$chunk" --json)
    [[ "$method" == - ]] || args+=(--method "$method")
    printf '%s\n' "${args[@]}"
}

# matrix_check LAUNCH...: runs every case under every schedule with `LAUNCH... primes ARGS` where LAUNCH
# may contain the word WORKERS (replaced by 1, 2, 3, 4 in turn), comparing with serial. Prints mismatches;
# returns 1 if any.
matrix_check() {
    local -a launch=("$@")
    local failures=0 case schedule workers
    for case in "${MATRIX_CASES[@]}"; do
        local -a args
        mapfile -t args < <(case_args "$case" static)
        local want
        want=$("$PRIMES" "${args[@]}" --model serial | result_key)
        # the reference itself must be a real, verified-or-unverifiable result, never an empty one
        if [[ -z "$want" || "$want" == *'"verify_ok": false'* || "$want" == *', false]'* ]]; then
            echo "the serial reference failed: primes ${args[*]} --model serial -> '$want'"
            return 1
        fi
        for schedule in "${MATRIX_SCHEDULES[@]}"; do
            mapfile -t args < <(case_args "$case" "$schedule")
            for workers in ${MATRIX_WORKERS:-1 2 3 4}; do
                local -a cmd=("${launch[@]//WORKERS/$workers}")
                local -a extra=("${MATRIX_EXTRA[@]//WORKERS/$workers}")
                local got
                got=$("${cmd[@]}" "$PRIMES" "${args[@]}" "${extra[@]}" 2>"$SCRATCH/stderr" | result_key) || true
                if [[ "$got" != "$want" ]]; then
                    [[ $failures -ge 5 ]] && { failures=$((failures + 1)); continue; }
                    echo "MISMATCH: ${cmd[*]} primes ${args[*]} ${extra[*]}"
                    echo "  want $want"
                    echo "  got  $got"
                    sed 's/^/  stderr: /' "$SCRATCH/stderr"
                    failures=$((failures + 1))
                fi
            done
        done
    done
    [[ $failures -eq 0 ]] || { echo "$failures mismatches"; return 1; }
}
