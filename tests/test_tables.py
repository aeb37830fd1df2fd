from __future__ import annotations

import pytest

from micrograd.tables import Table


def test_table_renders_html_and_text() -> None:
    table = Table([{"a": 1, "b": 0.123456789, "c": None}, {"a": 2, "b": 2.0, "c": "<x>"}], digits=3)
    html = table._repr_html_()
    assert html.count("<tr>") == 3
    assert "<td>0.123</td>" in html
    assert "&lt;x&gt;" in html
    text = str(table)
    assert text.splitlines()[0].split() == ["a", "b", "c"]
    assert "0.123" in text
    assert len(table) == 2
    assert table.columns == ["a", "b", "c"]
    assert repr(table) == "Table(2 rows, 3 columns)"


def test_table_columns_caption_and_errors() -> None:
    table = Table([{"a": 1, "b": 2}], columns=["b"], caption="cap")
    assert "<caption>cap</caption>" in table._repr_html_()
    assert str(table).splitlines()[0] == "cap"
    assert Table([]).columns == []
    with pytest.raises(ValueError, match="row 0 has no column 'z'"):
        Table([{"a": 1}], columns=["z"])
    with pytest.raises(ValueError, match="digits must be at least 1"):
        Table([{"a": 1}], digits=0)
