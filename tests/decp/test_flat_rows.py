import pytest

from dentelle.decp.parsing import cell, flat_texts, missing_columns


@pytest.mark.parametrize(
    "row, expected",
    [({"objet": "  Espaces verts "}, "Espaces verts"), ({"objet": None}, ""), ({"objet": ""}, ""), ({}, "")],
    ids=["stripped", "none", "empty", "absent"],
)
def test_a_cell_is_stripped_text_empty_when_missing(row, expected):
    assert cell(row, "objet") == expected


def test_flat_texts_read_each_field_from_its_column():
    row = {"acheteur_nom": " Région ", "objet": "Nettoyage", "autre": "x"}
    columns = {"buyer_name": "acheteur_nom", "object": "objet", "place_name": "lieu"}
    assert flat_texts(row, columns) == {"buyer_name": "Région", "object": "Nettoyage", "place_name": ""}


def test_missing_columns_name_the_file_the_format_and_the_columns_in_order():
    reason = missing_columns("f.csv", "un CSV DECP v1 aplati", ("id", "montant", "objet"), ["objet"])
    assert (
        reason
        == "Fichier DECP « f.csv » : ce n'est pas un CSV DECP v1 aplati, colonnes manquantes : id, montant."
    )
    assert missing_columns("f.csv", "un CSV DECP v1 aplati", ("id",), ["objet", "id"]) is None
