"""The replay's fast JSON path reads canonical event data exactly as json.loads does, and anything
else (a forged event's data) through json.loads itself."""

from __future__ import annotations

import json

import pytest

from inspector.services.replay import _decode
from inspector.storage.audit import canonical


@pytest.mark.parametrize("text", [
    canonical({"step": "box-label", "note": "née \"ok\"\n", "value": None, "n": [1, 2.5, True]}),
    ' {"a": 1}', '{"a": 1} ', "[]", '"text"', "3",
])
def test_decodes_as_json_loads(text: str) -> None:
    assert _decode(text) == json.loads(text)


@pytest.mark.parametrize("text", ['{"a": 1} trailing', '{"a": 1', "", "{'a': 1}", '{"a": 1}{"b": 2}'])
def test_refuses_what_json_loads_refuses(text: str) -> None:
    with pytest.raises(json.JSONDecodeError):
        json.loads(text)
    with pytest.raises(json.JSONDecodeError):
        _decode(text)
