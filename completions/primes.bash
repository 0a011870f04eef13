# completions/primes.bash: bash completion for primes. Every name comes from the binary being completed
# (`primes --list` for kernels, methods, models, schedules and workloads; `primes --help` for options),
# so a build's completion never disagrees with what it accepts. Source it, or install it as
# share/bash-completion/completions/primes.

# _primes_listed PRIMES SECTION: the names `PRIMES --list` gives in SECTION ("kernels", "models", ...)
_primes_listed() {
    "$1" --list 2>/dev/null | awk -v section="$2:" '
        $0 == section {on = 1; next}
        /^[a-z][^ ]*.*:$/ {on = 0}
        on && NF { if (section == "workloads of tasks:") { for (i = 1; i <= NF; i++) print $i } else print $1 }'
}

_primes() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]} primes=${COMP_WORDS[0]}
    local words=""
    COMPREPLY=()
    case "$prev" in
        -m | --model) words=$(_primes_listed "$primes" models) ;;
        --method) words=$(_primes_listed "$primes" methods) ;;
        -s | --schedule) words=$(_primes_listed "$primes" schedules) ;;
        -w | --workload) words=$(_primes_listed "$primes" "workloads of tasks") ;;
        --csv | --trace | -o | --output)
            mapfile -t COMPREPLY < <(compgen -f -- "$cur")
            return 0
            ;;
        -n | --from | -t | --threads | -r | --repeat | --warmup | --items-for | --scale) return 0 ;;
    esac
    if [[ -z "$words" ]]; then
        if [[ "$cur" == -* ]]; then
            words=$("$primes" --help 2>/dev/null | grep -oE -- '(^|[ ,])--?[a-zA-Z][a-z-]*' | tr -d ' ,' | sort -u)
        elif ((COMP_CWORD == 1)); then
            # the first word: a kernel, or one of the commands beside runs
            words="$(_primes_listed "$primes" kernels) analyze overhead info"
        fi
    fi
    mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
}
complete -F _primes primes
