# pure: no database
"""A small checker of the DECP v2 JSON Schema (2.0.3), without the jsonschema dependency.

It walks the official schema file itself (read in place from the shared data) and understands the
keywords that file uses: type, required, enum, pattern, minimum, maximum, minLength, maxLength,
minItems, uniqueItems, items, properties, anyOf, additionalProperties and local ``$ref``.
On top of the schema it applies Dentelle's own rule (domain §3.9): « Pas de considération sociale »
(or environnementale) is never combined with another value, although the schema allows it.
"""

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings

SCHEMA_RELATIVE_PATH = Path("decp") / "decp_v2_schema_2.0.3.json"
EXCLUSIVE_VALUES = {
    "considerationSociale": "Pas de considération sociale",
    "considerationEnvironnementale": "Pas de considération environnementale",
}


@dataclass(frozen=True)
class SchemaViolation:
    path: str  # e.g. "marches.marche[0].codeCPV"
    reason: str

    def __str__(self):
        return f"{self.path} : {self.reason}"


def schema_path():
    return Path(settings.DENTELLE_DATA_DIR) / SCHEMA_RELATIVE_PATH


@lru_cache(maxsize=4)
def load_schema(path=None):
    return json.loads(Path(path or schema_path()).read_text(encoding="utf-8"))


def check_document(document, schema=None):
    """Return the list of ``SchemaViolation`` of a whole ``{"marches": {...}}`` document."""
    schema = schema or load_schema()
    checker = _Checker(schema)
    checker.check(document, schema, "")
    _check_exclusive_values(document, "", checker.violations)
    return checker.violations


def check_marche(record, schema=None):
    """Violations of one ``marche`` record (the element of ``marches.marche``)."""
    schema = schema or load_schema()
    checker = _Checker(schema)
    checker.check(record, schema["definitions"]["marche"], "marche")
    _check_exclusive_values(record, "marche", checker.violations)
    return checker.violations


class _Checker:
    def __init__(self, root):
        self.root = root
        self.violations = []

    def fail(self, path, reason):
        self.violations.append(SchemaViolation(path or "(racine)", reason))

    def resolve(self, ref):
        if not ref.startswith("#/"):
            raise ValueError(f"Référence externe non gérée : {ref}")
        node = self.root
        for part in ref[2:].split("/"):
            node = node[part]
        return node

    def check(self, value, schema, path):
        if "$ref" in schema:
            self.check(value, self.resolve(schema["$ref"]), path)
        if "anyOf" in schema:
            if not any(self._passes(value, option, path) for option in schema["anyOf"]):
                self.fail(path, "aucune des formes permises ne convient")
        expected = schema.get("type")
        if expected and not _is_type(value, expected):
            self.fail(path, f"type « {expected} » attendu, {type(value).__name__} trouvé")
            return
        if "enum" in schema and value not in schema["enum"]:
            self.fail(
                path, f"valeur « {value} » hors liste (permises : {', '.join(map(str, schema['enum']))})"
            )
        if isinstance(value, str):
            self._check_string(value, schema, path)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            if "minimum" in schema and value < schema["minimum"]:
                self.fail(path, f"valeur {value} inférieure au minimum {schema['minimum']}")
            if "maximum" in schema and value > schema["maximum"]:
                self.fail(path, f"valeur {value} supérieure au maximum {schema['maximum']}")
        elif isinstance(value, dict):
            self._check_object(value, schema, path)
        elif isinstance(value, list):
            self._check_array(value, schema, path)

    def _passes(self, value, schema, path):
        probe = _Checker(self.root)
        probe.check(value, schema, path)
        return not probe.violations

    def _check_string(self, value, schema, path):
        if "pattern" in schema and not re.search(schema["pattern"], value):
            self.fail(path, f"« {value} » ne respecte pas le motif {schema['pattern']}")
        if "minLength" in schema and len(value) < schema["minLength"]:
            self.fail(path, f"au moins {schema['minLength']} caractère(s) attendu(s)")
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            self.fail(path, f"au plus {schema['maxLength']} caractères permis ({len(value)} trouvés)")

    def _check_object(self, value, schema, path):
        for key in schema.get("required", []):
            if key not in value:
                self.fail(_join(path, key), "champ obligatoire absent")
        properties = schema.get("properties", {})
        for key, item in value.items():
            if key in properties:
                self.check(item, properties[key], _join(path, key))
            elif schema.get("additionalProperties") is False:
                self.fail(_join(path, key), "champ non prévu par le schéma")

    def _check_array(self, value, schema, path):
        if "minItems" in schema and len(value) < schema["minItems"]:
            self.fail(path, f"au moins {schema['minItems']} élément(s) attendu(s)")
        if schema.get("uniqueItems"):
            seen = [json.dumps(item, sort_keys=True, default=str) for item in value]
            if len(set(seen)) != len(seen):
                self.fail(path, "éléments en double")
        if "items" in schema:
            for position, item in enumerate(value):
                self.check(item, schema["items"], f"{path}[{position}]")


def _is_type(value, expected):
    kinds = expected if isinstance(expected, list) else [expected]
    checks = {
        "object": lambda v: isinstance(v, dict),
        "array": lambda v: isinstance(v, list),
        "string": lambda v: isinstance(v, str),
        "boolean": lambda v: isinstance(v, bool),
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
        "null": lambda v: v is None,
    }
    return any(checks[kind](value) for kind in kinds)


def _join(path, key):
    return f"{path}.{key}" if path else key


def _check_exclusive_values(node, path, violations):
    """Dentelle rule: « Pas de considération … » stands alone."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in EXCLUSIVE_VALUES and isinstance(value, list):
                if EXCLUSIVE_VALUES[key] in value and len(value) > 1:
                    violations.append(
                        SchemaViolation(
                            _join(path, key),
                            f"« {EXCLUSIVE_VALUES[key]} » ne peut pas être combinée avec une autre valeur",
                        )
                    )
            else:
                _check_exclusive_values(value, _join(path, key), violations)
    elif isinstance(node, list):
        for position, item in enumerate(node):
            _check_exclusive_values(item, f"{path}[{position}]", violations)
