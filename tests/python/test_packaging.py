"""The package: version, private extension, typing files."""

import pathlib
import re

import cxjf
from cxjf import _core


def test_version_is_the_cpp_librarys(root):
    header = (root / "include" / "cxjf" / "version.hpp").read_text()
    parts = [re.search(rf"#define CXJF_VERSION_{p} (\d+)", header).group(1) for p in ("MAJOR", "MINOR", "PATCH")]
    assert cxjf.__version__ == ".".join(parts)
    assert cxjf.__version__ == _core.__version__


def test_installed_with_stub_and_py_typed():
    package = pathlib.Path(cxjf.__file__).parent
    assert (package / "py.typed").exists()
    assert (package / "_core.pyi").exists()
    assert pathlib.Path(_core.__file__).parent == package


def test_public_names_exist():
    for name in cxjf.__all__:
        assert hasattr(cxjf, name), name
