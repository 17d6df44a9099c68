"""examples/analyst.ipynb runs top to bottom (nbclient), in the environment
the tests run in."""

import nbclient
import nbformat


def test_analyst_notebook(root, tmp_path, monkeypatch):
    # The notebook writes its workbooks to a temporary folder: this one.
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    path = root / "examples" / "analyst.ipynb"
    notebook = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(notebook, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o["output_type"] == "error"]
    text = "\n".join(o.get("text", "") for o in outputs if o["output_type"] == "stream")
    # Chinese labels rendered without missing glyphs (matplotlib would warn).
    assert "Glyph" not in text and "missing from" not in text
    assert "enterprises in 广东省" in text
    plain = "\n".join(o.get("data", {}).get("text/plain", "") for o in outputs)
    assert "5 registered, 5 estimated, 1 rejected" in plain
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) == 3
    html = "\n".join(o.get("data", {}).get("text/html", "") for o in outputs)
    assert "EstimationRecord 测算记录" in html and "Snapshot" in html
