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
    with pytest.raises(ValueError, match="digits must be an int from 1 to 17, got 0"):
        Table([{"a": 1}], digits=0)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"rows": "ab"}, TypeError, "rows must be a list of dicts, got str"),
        ({"rows": {"a": 1}}, TypeError, "rows must be a list of dicts, got dict"),
        ({"rows": [{"a": 1}, [1]]}, TypeError, r"rows\[1\] must be a dict"),
        ({"columns": "a"}, TypeError, "columns must be a list of column names, got str"),
        ({"columns": [1]}, TypeError, r"columns\[0\] must be a str, got 1"),
        ({"digits": 2.5}, TypeError, r"digits must be an int, got 2\.5"),
        ({"digits": True}, TypeError, "digits must be an int, got True"),
        ({"digits": "3"}, TypeError, "digits must be an int, got str"),
        ({"caption": None}, TypeError, "caption must be a str, got None"),
    ],
)
def test_table_arguments_are_type_checked(
    kwargs: dict[str, object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        Table(**{"rows": [{"a": 1}], **kwargs})  # type: ignore[arg-type]


def test_tables_refuse_at_construction_what_they_could_not_display() -> None:
    with pytest.raises(
        TypeError, match=r"a column name \(a key of rows\[0\]\) must be a str, got 1"
    ):
        Table([{1: 2}])  # type: ignore[dict-item]
    with pytest.raises(ValueError, match="digits must be an int from 1 to 17, got 2147483648"):
        Table([{"a": 0.1}], digits=2**31)
    table = Table([{"a": 0.1}], digits=17)
    assert str(table).splitlines()[-1].strip() == "0.10000000000000001"
    assert "<td>0.10000000000000001</td>" in table._repr_html_()


def test_an_int_too_large_to_print_is_shown_by_its_size() -> None:
    table = Table([{"n": 10**5000, "m": 10**400}])
    assert table.format(10**5000) == "an int of 16610 bits"
    assert "an int of 16610 bits" in str(table)
    assert "an int of 16610 bits" in table._repr_html_()
    assert table.format(10**400) == str(10**400)  # within the limit: every digit
