#!/usr/bin/env bash
# install.sh: what `make install` and `make uninstall` do: puts the binary, the scripts users run (as
# primes-study, primes-plot, primes-report, primes-simulate, primes-tutorials, primes-submit), the Slurm
# job templates, the platforms, the docs, the man page, the bash completion and the Lmod modulefile under
# a prefix, or takes exactly those files away again. One list (manifest) serves both. The installed
# scripts find the installed binary and their helpers from where they are (scripts/lib.sh), so the tree
# needs no checkout, and moves with its prefix (the links in bin/ are relative).
set -euo pipefail

usage() {
    cat <<'EOT'
usage: scripts/install.sh install | uninstall | list  --prefix DIR [OPTIONS]

  install     copy every file of the list under DESTDIR/PREFIX (directories made as needed)
  uninstall   remove every file of the list, then the suite's own folders when empty
  list        print the list: SOURCE -> DESTINATION (what install would do)

  --prefix DIR     where the suite will live (absolute; make install: PREFIX, default /usr/local)
  --destdir DIR    a staging root put before the prefix (packaging: make install DESTDIR=...); the files
                   still name PREFIX
  --bin FILE       the primes binary (make: ./primes, or build/mpich/primes for MPI_IMPL=mpich)
  --man FILE       the man page (make: build/primes.1, written by help2man)
  --smpi FILE      the simulated binary, installed when it exists (make smpi: build/smpi/primes)
  --version V      the version, from src/version.h (names the modulefile)
  -h, --help       this text
EOT
}

die_usage() {
    echo "install.sh: $*" >&2
    exit 2
}

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
action="" prefix="" destdir="" bin="" man="" smpi="" version=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        -h | --help) usage; exit 0 ;;
        install | uninstall | list) action=$1; shift; continue ;;
        --prefix | --destdir | --bin | --man | --smpi | --version)
            [[ $# -ge 2 ]] || die_usage "$1 needs a value (see --help)"
            case "$1" in
                --prefix) prefix=$2 ;;
                --destdir) destdir=$2 ;;
                --bin) bin=$2 ;;
                --man) man=$2 ;;
                --smpi) smpi=$2 ;;
                --version) version=$2 ;;
            esac
            shift 2
            ;;
        *) die_usage "unknown argument '$1' (allowed: install, uninstall, list and the options of --help)" ;;
    esac
done
[[ -n "$action" ]] || die_usage "no action (allowed: install, uninstall, list)"
[[ "$prefix" == /* ]] || die_usage "PREFIX='$prefix' is not an absolute path (allowed: an absolute folder, e.g. /usr/local or \$HOME/.local)"
[[ -z "$destdir" || "$destdir" == /* ]] || die_usage "DESTDIR='$destdir' is not an absolute path (allowed: empty, or an absolute folder)"
[[ "$version" =~ ^[0-9]+(\.[0-9]+)*$ ]] || die_usage "--version '$version' is not a version (allowed: digits and dots, as src/version.h has it)"
prefix=${prefix%/}
root="$destdir$prefix"

# manifest: one line per installed file: MODE SOURCE DESTINATION (relative to PREFIX); MODE is 755, 644,
# link (SOURCE is the link's target, relative to its folder) or module (644, @PREFIX@ and @VERSION@ filled).
manifest() {
    echo "755 ${bin:--} bin/primes"
    # the simulated binary when built (uninstall removes it whether or not this build has one)
    [[ "$action" == uninstall || (-n "$smpi" && -x "$smpi") ]] && echo "755 ${smpi:--} libexec/primes/smpi/primes"
    local f
    for f in study.sh plot.py report.py simulate.sh tutorials.sh plot_tutorials.py; do
        echo "755 $here/scripts/$f share/primes/scripts/$f"
    done
    for f in lib.sh plotlib.py; do echo "644 $here/scripts/$f share/primes/scripts/$f"; done
    echo "link ../share/primes/scripts/study.sh bin/primes-study"
    echo "link ../share/primes/scripts/plot.py bin/primes-plot"
    echo "link ../share/primes/scripts/report.py bin/primes-report"
    echo "link ../share/primes/scripts/simulate.sh bin/primes-simulate"
    echo "link ../share/primes/scripts/tutorials.sh bin/primes-tutorials"
    echo "link ../share/primes/jobs/submit.sh bin/primes-submit"
    for f in "$here"/jobs/*; do
        case "$f" in
            *.sbatch | *.sh) echo "755 $f share/primes/jobs/${f##*/}" ;;
            *) echo "644 $f share/primes/jobs/${f##*/}" ;;
        esac
    done
    for f in "$here"/platforms/*; do echo "644 $f share/primes/platforms/${f##*/}"; done
    echo "644 $here/README.md share/doc/primes/README.md"
    echo "644 $here/LICENSE share/doc/primes/LICENSE"
    for f in "$here"/docs/*.md; do echo "644 $f share/doc/primes/docs/${f##*/}"; done
    echo "644 ${man:--} share/man/man1/primes.1"
    echo "644 $here/completions/primes.bash share/bash-completion/completions/primes"
    echo "module $here/modulefiles/primes.lua share/modulefiles/primes/$version.lua"
}

# the suite's own folders, deepest first: removed by uninstall when nothing else is left in them
OWN_DIRS=(share/primes/scripts share/primes/jobs share/primes/platforms share/primes share/doc/primes/docs
    share/doc/primes libexec/primes/smpi libexec/primes share/modulefiles/primes)

do_install() {
    [[ -n "$bin" && -x "$bin" ]] || die_usage "--bin '$bin' is not an executable (allowed: the built primes; run make first)"
    [[ -n "$man" && -s "$man" ]] || die_usage "--man '$man' is not a man page (allowed: build/primes.1, make man)"
    local mode src dest
    while read -r mode src dest; do
        mkdir -p "$root/$(dirname "$dest")"
        case "$mode" in
            link) ln -sfn "$src" "$root/$dest" ;;
            module)
                sed -e "s|@PREFIX@|$prefix|g" -e "s|@VERSION@|$version|g" "$src" >"$root/$dest.new"
                chmod 644 "$root/$dest.new"
                mv "$root/$dest.new" "$root/$dest"
                ;;
            *) install -m "$mode" "$src" "$root/$dest" ;;
        esac
        echo "  $dest"
    done < <(manifest)
    echo "installed primes $version under $root (PATH: $prefix/bin; module use $prefix/share/modulefiles)"
}

do_uninstall() {
    local mode src dest removed=0 d
    while read -r mode src dest; do
        if [[ -e "$root/$dest" || -L "$root/$dest" ]]; then
            rm -f "$root/$dest"
            removed=$((removed + 1))
        fi
    done < <(manifest)
    for d in "${OWN_DIRS[@]}"; do [[ ! -d "$root/$d" ]] || rmdir --ignore-fail-on-non-empty "$root/$d"; done
    echo "removed $removed file(s) of primes $version from $root"
}

case "$action" in
    install) do_install ;;
    uninstall) do_uninstall ;;
    list) manifest | awk '{ print $2 " -> " $3 (($1 == "link") ? " (link)" : "") }' ;;
esac
