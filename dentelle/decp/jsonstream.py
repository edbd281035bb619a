# pure: no database
"""Stream the records of a DECP JSON file without loading it whole.

The published files are one big object, ``{"marches": [...]}`` (v1) or
``{"marches": {"marche": [...], "contrat-concession": [...]}}`` (v2). We walk that outer structure by
hand and hand each array element to the C-accelerated ``json.JSONDecoder.raw_decode``, reading the text
in chunks: memory stays at one chunk plus one record, whatever the file size. Standard library only
(and ``core.numbers``, itself pure).
"""

import json
import re

from dentelle.core.numbers import json_int

WHITESPACE = re.compile(r"[ \t\n\r]*")
CHUNK_CHARS = 1 << 20
MAX_VALUE_CHARS = 64 << 20  # one record larger than this is not a DECP record


class JsonSyntaxError(Exception):
    """Malformed JSON at an absolute character offset; the reader turns it into a French message."""

    def __init__(self, offset, reason):
        super().__init__(f"caractère {offset} : {reason}")
        self.offset = offset
        self.reason = reason


class JsonStream:
    def __init__(self, text_stream, chunk_chars=None):
        self.stream = text_stream
        self.chunk_chars = chunk_chars or CHUNK_CHARS
        self.buffer = ""
        self.pos = 0
        self.offset = 0  # absolute offset of buffer[0]
        self.eof = False
        self.decoder = json.JSONDecoder(parse_int=json_int)  # 5,000 digits: text, refused later

    def _fill(self):
        if self.eof:
            return False
        chunk = self.stream.read(self.chunk_chars)
        if not chunk:
            self.eof = True
            return False
        self.offset += self.pos
        self.buffer = self.buffer[self.pos :] + chunk
        self.pos = 0
        return True

    def peek(self):
        """Skip whitespace and return the next character ('' at end of file)."""
        while True:
            self.pos = WHITESPACE.match(self.buffer, self.pos).end()
            if self.pos < len(self.buffer):
                return self.buffer[self.pos]
            if not self._fill():
                return ""

    def expect(self, chars):
        char = self.peek()
        if not char or char not in chars:
            found = f"« {char} »" if char else "la fin du fichier"
            raise JsonSyntaxError(self.offset + self.pos, f"« {chars[0]} » attendu, {found} trouvé")
        self.pos += 1
        return char

    def value(self):
        """Decode the next JSON value, reading more text until it is complete."""
        self.peek()
        while True:
            try:
                obj, end = self.decoder.raw_decode(self.buffer, self.pos)
            except json.JSONDecodeError as exc:
                too_big = len(self.buffer) - self.pos > MAX_VALUE_CHARS
                if too_big or not self._fill():
                    raise JsonSyntaxError(self.offset + exc.pos, _french_reason(exc.msg)) from None
                continue
            # A number may continue in the next chunk: only trust a value ending before the buffer end.
            if end == len(self.buffer) and self._fill():
                continue
            self.pos = end
            return obj

    def _opens(self, opening, closing):
        """Consume the ``opening`` of an object or array: True if an item follows, False if it is empty."""
        self.expect(opening)
        if self.peek() == closing:
            self.pos += 1
            return False
        return True

    def _continues(self, closing):
        """Consume what follows an item: True after a comma (another item), False at the ``closing``."""
        return self.expect("," + closing) == ","

    def members(self):
        """Iterate over the keys of the object starting here; the caller must consume each value."""
        more = self._opens("{", "}")
        while more:
            if self.peek() != '"':
                raise JsonSyntaxError(self.offset + self.pos, "nom de clé attendu")
            key = self.value()
            self.expect(":")
            yield key
            more = self._continues("}")

    def elements(self):
        """Iterate over the values of the array starting here."""
        more = self._opens("[", "]")
        while more:
            yield self.value()
            more = self._continues("]")

    def expect_end(self):
        if self.peek():
            raise JsonSyntaxError(self.offset + self.pos, "contenu inattendu après la fin du document")


def _french_reason(message):
    known = {
        "Expecting value": "valeur attendue",
        "Expecting ',' delimiter": "virgule attendue",
        "Expecting ':' delimiter": "deux-points attendus",
        "Expecting property name enclosed in double quotes": "nom de clé entre guillemets attendu",
        "Unterminated string starting at": "chaîne de caractères non terminée",
        "Invalid control character at": "caractère de contrôle interdit",
        "Extra data": "contenu inattendu",
    }
    return known.get(message, message)
