# pure: no database
"""French messages for files that cannot be read at all: JSON syntax, XLSX archives, CSV structure.

Python's own messages (``Expecting value``, ``BadZipFile``, ``field larger than field limit``) are
English and say nothing of what to do: a user reads these instead (upload page and CLI alike).
"""

import json

# json.JSONDecodeError.msg (CPython's scanner and decoder) → French reason. Matched by prefix:
# some messages carry a detail after the fixed part (« Invalid \escape: '\q' »).
JSON_REASONS = (
    ("Expecting value", "valeur attendue"),
    ("Expecting property name enclosed in double quotes", "nom de champ entre guillemets doubles attendu"),
    ("Expecting ':' delimiter", "deux-points « : » attendu après le nom du champ"),
    ("Expecting ',' delimiter", "virgule « , » attendue entre deux éléments"),
    ("Unterminated string", "texte entre guillemets jamais refermé"),
    (
        "Invalid control character",
        "caractère de contrôle interdit dans un texte (tabulation, retour à la ligne…)",
    ),
    ("Invalid \\uXXXX escape", "séquence « \\uXXXX » invalide"),
    ("Invalid \\escape", "barre oblique inverse « \\ » invalide (à doubler : « \\\\ »)"),
    ("Extra data", "contenu en trop après la fin du document JSON"),
    ("Illegal trailing comma", "virgule en trop avant la fin de la liste ou de l'objet"),
)
# Signature of an OLE2 compound file: an old .xls workbook, or an .xlsx protected by a password.
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"  # local file header of a ZIP archive


def json_reason(message):
    for english, french in JSON_REASONS:
        if message.startswith(english):
            return french
    return "syntaxe JSON incorrecte"


def json_error_message(name, exc, hint=""):
    """« plan.json : JSON invalide, ligne 1, colonne 1 : valeur attendue. <hint> »"""
    text = f"{name} : JSON invalide, ligne {exc.lineno}, colonne {exc.colno} : {json_reason(exc.msg)}."
    return f"{text} {hint}".strip()


def xlsx_error_message(name, data):
    """Why an .xlsx cannot be opened (told by its first bytes), and what to do about it."""
    if data[:8] == OLE2_SIGNATURE:
        return (
            f"{name} : ce classeur est au format Excel 97-2003 (.xls) ou protégé par un mot de passe : "
            "enregistrez-le au format .xlsx (sans mot de passe) ou .csv, puis réessayez."
        )
    if not data.startswith(ZIP_SIGNATURE):  # an .xlsx is a ZIP archive
        return (
            f"{name} : le fichier n'est pas un classeur Excel (.xlsx) valide : "
            "enregistrez-le au format .xlsx ou .csv, puis réessayez."
        )
    return (
        f"{name} : le classeur Excel est endommagé ou incomplet : ouvrez-le dans votre tableur, "
        "enregistrez-le à nouveau au format .xlsx (ou exportez-le en .csv), puis réessayez."
    )


def has_nul(text):
    """A NUL character (or its JSON escape): PostgreSQL cannot store it, no text file holds one."""
    return "\x00" in text or "\\u0000" in text


def nul_error_message(name, text):
    """Where the first NUL is, and what to do (often a UTF-16 file or a binary file renamed)."""
    index = text.find("\x00")
    line = text.count("\n", 0, index) + 1 if index >= 0 else text.count("\n", 0, text.find("\\u0000")) + 1
    return (
        f"{name}, ligne {line} : caractère nul (octet 0) : ce n'est pas un fichier texte ordinaire "
        "(UTF-16 ou fichier binaire renommé ?) : enregistrez-le en « CSV UTF-8 » ou en JSON UTF-8, "
        "puis réessayez."
    )


def has_lone_surrogate(payload):
    """A JSON text escape such as « \\ud800 » left unpaired: no database can store the string."""
    try:
        json.dumps(payload, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
    except RecursionError:  # as deep as json.loads allows: its texts were checked on the way
        return False
    return False


def surrogate_error_message(name):
    return (
        f"{name} : caractère invalide (séquence « \\uD800 » à « \\uDFFF » sans sa moitié) : "
        "enregistrez le fichier à nouveau en UTF-8, puis réessayez."
    )


def csv_error_message(name, line):
    """csv.Error: in practice a quote never closed, so one « cell » swallows the rest of the file."""
    return (
        f'{name}, ligne {line} : cellule trop longue ou guillemet « " » jamais refermé : vérifiez les '
        "guillemets et le séparateur (point-virgule ou virgule), puis réessayez."
    )
