"""The README's Python lines, run against an installed wheel only.

make test builds the wheel (pip wheel), repairs it into a manylinux wheel
(auditwheel, which copies libsodium, libzstd, libzip, libxlsxwriter and the
rest into cxjf.libs/), installs it into a fresh virtual environment, and runs
this script there from an empty folder: no source tree, no build directory,
no compiler involved.

    python readme_from_wheel.py README.md bindings/python/README.md
"""

import os
import pathlib
import re
import sys
import tempfile


def python_blocks(path):
    text = pathlib.Path(path).read_text(encoding="utf-8")
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def main(readmes):
    blocks = [(path, block) for path in readmes for block in python_blocks(path)]
    assert blocks, "no Python lines in " + ", ".join(readmes)
    work = tempfile.mkdtemp(prefix="cxjf-wheel-")
    os.chdir(work)
    sys.path = [p for p in sys.path if p not in ("", ".", os.getcwd())]

    import cxjf
    import cxjf.excel

    # The package is the installed one, and its extension finds the libraries
    # the wheel carries, not the system's.
    package = pathlib.Path(cxjf.__file__).resolve().parent
    assert package.is_relative_to(pathlib.Path(sys.prefix).resolve()), package
    maps = pathlib.Path("/proc/self/maps").read_text()
    for library in ("libsodium", "libzstd", "libzip", "libxlsxwriter"):
        paths = {line.split()[-1] for line in maps.splitlines() if library in line}
        assert paths and all("cxjf.libs" in p for p in paths), (library, paths)

    # The uploads the README names, made the way a clerk's would be: the
    # template's sheet with ten generated enterprises.
    sample = cxjf.generate(10, seed=5).to_frame(headers="zh")
    for name in ("十家企业.xlsx", "upload.xlsx"):
        cxjf.excel.write_frames(name, {"上传模板": sample})

    scope = {}
    for path, block in blocks:
        print(f"{path}:\n{block}", flush=True)
        exec(compile(block, path, "exec"), scope)
    record = scope.get("record")
    assert record is not None and len(record.results) == 10, record
    print(f"README lines ran with cxjf {cxjf.__version__} from {package}")


if __name__ == "__main__":
    main(sys.argv[1:])
