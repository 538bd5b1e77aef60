#!/usr/bin/env bash
# Mutation testing of the modules the suite must guard (issue 10): how many small breaks of the
# code (a changed operator, constant, condition) make some test fail. Not part of CI: it runs
# tests once per mutant, which takes hours for all modules on two cores.
#
#   bash bench/mutation.sh read/parsing           # one target (a module or package under src/qdn_corpus/)
#   bash bench/mutation.sh                        # read/parsing text/dates search store/fulltext cli/render
#   QDN_MUT_TESTS=tests bash bench/mutation.sh search   # against the whole suite (slow)
#   QDN_MUT_ONLY='qdn_corpus.search.plan.x_compile_node*' bash bench/mutation.sh search  # some mutants only
#   QDN_MUT_HANG=150 bash bench/mutation.sh search  # the watchdog's limit in seconds (default 60)
#
# Run it in the environment qdn is installed in (pip install -e ".[test]"). Each target runs in
# its own copy of this checkout under $QDN_MUT_DIR (default /tmp/qdn-mutation/<target>).
# Each target is run against the test files that exercise it (the table below; a mutant killed
# by them is killed by the suite, so the score is a lower bound). mutmut keeps its results in
# mutants/: running again after an interruption goes on where it stopped, and only the
# functions that changed are tried again. Prints the tally per module; in the target's copy,
# `mutmut results` lists the survivors, `mutmut show NAME` one of them, and
#   cd mutants && MUTANT_UNDER_TEST=NAME python -m pytest tests/
# tries one against the whole suite.
#
# bench/mutation_plugin.py (a pytest plugin loaded only here) clears qdn's lru caches before
# each test: mutmut forks every mutant from a process whose caches are full, so code behind a
# cache would never run.
# Tests of PDF reading are left out: inside mutmut's copy pypdfium2 fails to import ("Version
# class is read-only"), and none of these modules reads PDFs.
set -euo pipefail
cd "$(dirname "$0")/.."
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(read/parsing text/dates search store/fulltext cli/render)
declare -A tests_of=(
    [read/parsing]="test_parsing test_layout test_regions test_citations test_no_text_lost test_normalize test_formats"
    [text/dates]="test_querylang test_parsing"
    [search]="test_querylang test_search test_ranking test_trend test_relations test_figures test_attachments test_render test_api"
    [search/language]="test_querylang test_search test_ranking"
    [store/fulltext]="test_fulltext test_search test_querylang test_ranking test_trend test_index"
    [cli/render]="test_render test_search test_trend test_figures test_relations test_querylang"
    [read/units]="test_analyses test_search"
    [search/unitscan]="test_analyses"
    [reports/codebook]="test_analyses"
    [reports/coding]="test_analyses"
    [reports/adoption]="test_analyses"
    [web]="test_serve"
    [web/views]="test_serve"
    [reports/facets]="test_serve"
    [reports/trend]="test_trend test_serve"
    [search/prefork]="test_prefork"
    [store/engine]="test_engine test_index"
    [store/workers]="test_workers"
)
python -m pip install --quiet "mutmut>=3.8,<4"
here=$PWD
for target in "${targets[@]}"; do
    target=${target%/}
    target=${target%.py}
    work=${QDN_MUT_DIR:-/tmp/qdn-mutation}/${target//\//-}
    mkdir -p "$work"
    (cd "$here" && tar -c --exclude=./.git --exclude='./.venv*' --exclude='./.ci-venv*' \
        --exclude=./mutants --exclude=./data/index --exclude=__pycache__ .) | tar -x -C "$work"
    cd "$work"
    selection=${QDN_MUT_TESTS:-}
    if [ -z "$selection" ]; then
        for t in ${tests_of[$target]:?no test files listed for $target}; do selection+=" tests/$t.py"; done
    fi
    keep=()  # do_not_mutate: every module outside the target (a module, or a package's tree)
    while IFS= read -r f; do
        case $f in
            "src/qdn_corpus/$target.py"|"src/qdn_corpus/$target"/*) ;;
            *) keep+=("$f") ;;
        esac
    done < <(find src/qdn_corpus -name '*.py' | sort)
    {
        echo "[mutmut]"
        echo "source_paths=src/qdn_corpus/"
        printf 'do_not_mutate=%s\n' "${keep[0]}"
        for f in "${keep[@]:1}"; do printf '    %s\n' "$f"; done
        echo "also_copy=data"
        echo "    tests"
        echo "    bench"
        echo "    README.md"
        echo "pytest_add_cli_args="
        echo "    -p"
        echo "    mutation_plugin"
        echo "pytest_add_cli_args_test_selection="
        for t in $selection; do echo "    $t"; done
        echo "    -k"
        echo "    not pdf and not damaged and not mixed and not index_reads and not search_over and not attachments_resolve and not site_and and not changed_sidecar"
    } > setup.cfg
    # Targets that index building never calls may let the tests copy an index built before for
    # the same raw files (bench/mutation_plugin.py): the tests run twice as fast, and answer the same.
    export PYTHONPATH="$work/bench:$work/mutants/bench${PYTHONPATH:+:$PYTHONPATH}"
    case $target in
        search|search/*|cli/render) export QDN_TEST_INDEX_CACHE=$work/index-cache; rm -rf "$QDN_TEST_INDEX_CACHE"; mkdir -p "$QDN_TEST_INDEX_CACHE" ;;
        *) unset QDN_TEST_INDEX_CACHE ;;
    esac
    # A mutant of a parser loop can run for many minutes while mutmut's own limit is generous:
    # past QDN_MUT_HANG seconds (default 60; the parsing selection runs in about 15) it gets
    # SIGXCPU, which mutmut counts as a timeout, that is, caught.
    (set +e; while sleep 5; do  # no -e here: a run that ends between pgrep and ps is normal
        for pid in $(pgrep -f "^mutmut: qdn_corpus"); do
            age=$(ps -o etimes= -p "$pid" 2>/dev/null | tr -d ' ')
            [ -n "$age" ] && [ "$age" -gt "${QDN_MUT_HANG:-60}" ] && kill -XCPU "$pid" 2>/dev/null
        done
    done) &
    watchdog=$!
    # shellcheck disable=SC2086  # QDN_MUT_ONLY holds glob patterns for mutmut, split on spaces
    mutmut run ${QDN_MUT_ONLY:-} || true
    kill "$watchdog" 2>/dev/null || true
    echo "== $target in $work (tests:$selection)"
    mutmut results --all true | python "$here/bench/mutation_tally.py"
done
