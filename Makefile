# The two commands of README.md, and the steps they share.
#   make demo   set up, build, and score a generated national sample
#   make test   set up, build, and run every test
BUILD ?= build
JOBS ?= $(shell nproc)

.PHONY: setup configure build demo test java-test python-test bench clean

setup:
	@scripts/setup.sh

configure: setup
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release > /dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

demo: build
	$(BUILD)/cxjf demo

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	$(JAVA_TEST)
	$(PYTHON_TEST)

# The Java client's tests (bindings/java, Maven with JDK 17), against the
# library and the cxjf program of $(BUILD); make test runs them after ctest.
JAVA_TEST = mvn -B -ntp -f bindings/java/pom.xml test -Dcxjf.build.dir=$(abspath $(BUILD)) \
            -Dcxjf.maven.dir=$(abspath $(BUILD))/java

java-test: build
	$(JAVA_TEST)

# The Python module's tests (pyproject.toml, bindings/python, tests/python): a
# virtual environment in $(BUILD)/venv, `pip install .` with the test extras
# (which compiles the core again with the extension, in $(BUILD)/python), then
# pytest with warnings as errors, comparing with the cxjf program of $(BUILD);
# then the side-by-side check that pandas and DuckDB compute the same results
# as cxjf (benchmarks/compare, 100,000 rows, no timing).
PYTHON ?= python3
PYTHON_VENV = $(abspath $(BUILD))/venv
PYTHON_TEST = $(PYTHON) -m venv $(PYTHON_VENV) && \
              $(PYTHON_VENV)/bin/pip install -q --disable-pip-version-check \
                --config-settings=build-dir=$(abspath $(BUILD))/python ".[test]" && \
              CXJF_CLI=$(abspath $(BUILD))/cxjf $(PYTHON_VENV)/bin/python -m pytest -W error tests/python && \
              $(PYTHON_VENV)/bin/pip install -q --disable-pip-version-check -r benchmarks/compare/requirements.txt && \
              $(PYTHON_VENV)/bin/python benchmarks/compare/run.py --quick

python-test: build
	$(PYTHON_TEST)

bench: build
	$(BUILD)/benchmarks/cxjf_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true

clean:
	rm -rf $(BUILD)
