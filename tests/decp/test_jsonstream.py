import io

import pytest

from dentelle.decp.jsonstream import JsonStream, JsonSyntaxError


def stream(text, chunk_chars=3):
    return JsonStream(io.StringIO(text), chunk_chars=chunk_chars)


def read_object(json_stream):
    return {key: json_stream.value() for key in json_stream.members()}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("[]", []),
        (" [ ] ", []),
        ("[1]", [1]),
        ('[1, "deux", {"trois": 3}, []]', [1, "deux", {"trois": 3}, []]),
    ],
    ids=["empty", "empty-spaced", "one", "several"],
)
def test_elements_yield_every_value_of_an_array(text, expected):
    json_stream = stream(text)
    assert list(json_stream.elements()) == expected
    json_stream.expect_end()


@pytest.mark.parametrize(
    "text, expected",
    [
        ("{}", {}),
        ('{"a": 1}', {"a": 1}),
        ('{"a": [1, 2], "b": {"c": null}}', {"a": [1, 2], "b": {"c": None}}),
    ],
    ids=["empty", "one", "nested"],
)
def test_members_yield_every_key_of_an_object(text, expected):
    json_stream = stream(text)
    assert read_object(json_stream) == expected
    json_stream.expect_end()


@pytest.mark.parametrize(
    "text, read, reason",
    [
        ("[1 2]", lambda s: list(s.elements()), "« , » attendu, « 2 » trouvé"),
        ("[1,", lambda s: list(s.elements()), "valeur attendue"),
        ('{"a": 1', read_object, "« , » attendu, la fin du fichier trouvé"),
        ("{1: 2}", read_object, "nom de clé attendu"),
        ("1", lambda s: list(s.elements()), "« [ » attendu, « 1 » trouvé"),
    ],
    ids=["no-comma", "truncated-array", "unclosed-object", "key-not-a-string", "not-an-array"],
)
def test_malformed_containers_raise_a_french_reason(text, read, reason):
    with pytest.raises(JsonSyntaxError) as caught:
        read(stream(text))
    assert caught.value.reason == reason
