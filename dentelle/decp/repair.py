# pure: no database
"""Repair of DECP text whose accented letters the publisher replaced with « � » (U+FFFD).

The AIFE 2019 feed turned every Latin-1 letter or sign (é, à, ç, ô, °, «…) into one U+FFFD each (one
replacement per letter, not per UTF-8 byte: « March� », « th��tre ») and left the Windows-1252 signs
outside Latin-1 (œ, ’, €) as C1 control characters (« v\\x9cux »). This module undoes what it safely can:

- C1 control characters are decoded as Windows-1252 (deterministic);
- a damaged word is replaced by the word of a lexicon of clean French text (the clean DECP feeds, the CPV,
  NAF and commune labels) with the same letters at the undamaged positions and a non-ASCII letter at each
  « � », only when that word is clearly the most frequent candidate (``RATIO`` times the next one);
- every other damaged word is left as it is, and the record says so (``ALTERED``).

Pure: no Django; the lexicon is built once per process from the shared data folder (``DENTELLE_DATA_DIR``,
the same default as the settings), or from the texts a caller gives (the benchmark's held-out split).
"""

import csv
import gzip
import json
import os
import re
import threading
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

DAMAGE = "\ufffd"
REPAIRED = "texte réparé"
ALTERED = "texte altéré à la source"
# A candidate must be this many times as frequent as the next one, and seen at least MIN_COUNT times.
RATIO = 5.0
MIN_COUNT = 1
# A word the lexicon capitalises mid-sentence this share of the time (« église », « École ») is left alone.
CASE_DOUBT = (0.2, 0.8)
# Endings tried, longest first, when a damaged word is unknown but its stem is (« d�sign�s » → « désigné » + s).
INFLECTIONS = ("es", "s", "e", "x")
# Tokens: letters, digits, « � » and the Latin-1 signs the damage also hits (n°, m², 1er…).
TOKEN_RE = re.compile(r"[\w\ufffd°ºª²³]+")
C1_RE = re.compile(r"[\x80-\x9f]")
SENTENCE_END_RE = re.compile(r"[.!?]\s+$")

CLEAN_FEEDS = (
    "decp/decp_2019_v1_data.gouv.fr_pes.json.gz",
    "decp/decp_2019_v1_e-marchespublics.json.gz",
    "decp/decp_2019_v1_marches-publics.info.json.gz",
)
CLEAN_CSV = "decp/decp_2019_v1_marches.csv"
DAMAGED_SOURCES = frozenset({"data.gouv.fr_aife"})
LABEL_FILES = (
    ("cpv/cpv_2008.csv", ("libelle_fr",)),
    ("naf/naf_rev2_sous_classes.csv", ("libelle_sous_classe", "libelle_classe", "libelle_groupe")),
    ("naf/naf_rev2_niveaux.csv", ("libelle",)),
    ("naf/naf2025_divisions.csv", ("libelle_division",)),
    ("geo/communes.csv", ("nom", "nom_departement", "nom_region", "nom_epci", "nom_ept")),
    ("geo/departements.csv", ("nom", "nom_region")),
    ("geo/epci.csv", ("nom",)),
)


def _damaged_char(char):
    """True for the characters the AIFE feed replaced with U+FFFD (one per character)."""
    return 0xA0 <= ord(char) <= 0xFF


def damage(text):
    """The AIFE damage, for the benchmark: Latin-1 signs → U+FFFD, other cp1252 signs → C1 controls."""
    out = []
    for char in text:
        if _damaged_char(char):
            out.append(DAMAGE)
        elif ord(char) > 0xFF:
            try:
                byte = char.encode("cp1252")
            except UnicodeEncodeError:
                out.append(char)
            else:
                out.append(chr(byte[0]) if 0x80 <= byte[0] <= 0x9F else char)
        else:
            out.append(char)
    return "".join(out)


def skeleton(word):
    """The word as the damage leaves it, lower-cased: the key of the lexicon's index."""
    return "".join(DAMAGE if _damaged_char(char) else char for char in word.lower())


def _fix_c1(match):
    try:
        return bytes([ord(match.group())]).decode("cp1252")
    except UnicodeDecodeError:
        return match.group()


class Lexicon:
    """Word frequencies of clean text, indexed by the skeleton the damage would leave."""

    def __init__(self, texts=()):
        self.forms = Counter()  # exact (cased) forms of the words that the damage can hit
        self.by_skeleton = defaultdict(Counter)  # skeleton → lower-case forms
        self.add_texts(texts)

    def add_texts(self, texts):
        forms, by_skeleton = self.forms, self.by_skeleton
        for text in texts:
            if not text:
                continue
            for match in TOKEN_RE.finditer(text):
                word = match.group()
                if any(_damaged_char(char) for char in word) and DAMAGE not in word:
                    by_skeleton[skeleton(word)][word.lower()] += 1
                    if not _sentence_start(text, match.start()):  # (a capital there says nothing)
                        forms[word] += 1
        return self

    def __len__(self):
        return len(self.forms)

    def best(self, damaged_word):
        """The lower-case repair of a damaged word, or None when no candidate is clearly the best.

        A word the lexicon never saw in this form gets a second chance through its inflection: the
        stem (without a plural or feminine ending) must be known and clearly the best on its own.
        """
        key = damaged_word.lower()
        found = self._best(key)
        if found is not None or key in self.by_skeleton:
            return found
        for ending in INFLECTIONS:
            stem = key[: -len(ending)]
            if key.endswith(ending) and len(stem) >= 4 and DAMAGE in stem and stem in self.by_skeleton:
                found = self._best(stem)
                return None if found is None else found + ending
        return None

    def _best(self, key):
        ranked = self.by_skeleton.get(key, Counter()).most_common(2)
        if not ranked:
            return None
        word, count = ranked[0]
        runner_up = ranked[1][1] if len(ranked) > 1 else 0
        if count < MIN_COUNT or count < RATIO * runner_up:
            return None
        return word

    def capitalised_share(self, word):
        """How often the lexicon writes this word with a capital (0 when unseen)."""
        lower = self.forms.get(word, 0)
        upper = self.forms.get(word[:1].upper() + word[1:], 0)
        return upper / (lower + upper) if lower + upper else 0.0


@dataclass(frozen=True)
class Repair:
    text: str
    damaged_words: int = 0
    repaired_words: int = 0

    @property
    def flag(self):
        """« texte réparé », « texte altéré à la source » or "" for text the publisher did not damage."""
        if self.damaged_words == 0:
            return ""
        return REPAIRED if self.repaired_words == self.damaged_words else ALTERED


def _sentence_start(text, start):
    return start == 0 or bool(SENTENCE_END_RE.search(text[max(0, start - 3) : start]))


def _case_unsure(damaged, word, lexicon, sentence_start):
    """A « � » opening a lower-case word mid-sentence, where the lexicon writes it both ways."""
    if damaged[0] != DAMAGE or sentence_start or not any(char.islower() for char in damaged):
        return False
    return CASE_DOUBT[0] < lexicon.capitalised_share(word) < CASE_DOUBT[1]


def _recase(damaged, word, lexicon, sentence_start, upper_context):
    """Give the repaired lower-case ``word`` the case of ``damaged`` (unknown at each « � »)."""
    known = [char for char in damaged if char != DAMAGE and char.isalpha()]
    all_upper = bool(known) and all(char.isupper() for char in known)
    shout = all_upper and (len(known) > 1 or upper_context)
    out = []
    for position, (old, new) in enumerate(zip(damaged, word, strict=True)):
        if old != DAMAGE:
            out.append(old)
        elif shout or (not known and upper_context):
            out.append(new.upper())
        elif position == 0 and (sentence_start or lexicon.capitalised_share(word) > 0.5):
            out.append(new.upper())
        else:
            out.append(new)
    return "".join(out)


def repair_text(text, lexicon=None):
    """Return a ``Repair`` of ``text``: C1 signs decoded, damaged words repaired when safe.

    With the default lexicon the answer is cached per distinct text: a national file repeats the same
    damaged buyer names and objects many times."""
    if not text or (DAMAGE not in text and not C1_RE.search(text)):
        return Repair(text or "")
    if lexicon is None:
        return _repair_default(text, _default_key())
    return _repair(text, lexicon)


@lru_cache(maxsize=65_536)  # bounded (a few hundred bytes per text): the web process lives long
def _repair_default(text, data_dir):
    return _repair(text, default_lexicon())


def _repair(text, lexicon):
    text = C1_RE.sub(_fix_c1, text)
    if DAMAGE not in text:
        return Repair(text, 1, 1)
    letters = [char for char in text if char.isalpha()]
    upper_context = bool(letters) and sum(char.isupper() for char in letters) > 0.8 * len(letters)
    pieces, end, damaged_words, repaired_words = [], 0, 0, 0
    for match in TOKEN_RE.finditer(text):
        token = match.group()
        if DAMAGE not in token:
            continue
        damaged_words += 1
        word = lexicon.best(token)
        if word is None or _case_unsure(token, word, lexicon, _sentence_start(text, match.start())):
            continue
        repaired_words += 1
        start = match.start()
        pieces.append(text[end:start])
        pieces.append(_recase(token, word, lexicon, _sentence_start(text, start), upper_context))
        end = match.end()
    pieces.append(text[end:])
    return Repair("".join(pieces), damaged_words, repaired_words)


# ---------------------------------------------------------------- the lexicon of the shared data


_HERE = Path(__file__).resolve().parents[2]  # resolved once: no filesystem call per repaired text


def default_data_dir():
    return Path(os.environ.get("DENTELLE_DATA_DIR") or _HERE.parent / "shared" / "data")


def _default_key():
    """The cache key of the default lexicon (the data folder, as text: no Path built per call)."""
    return os.environ.get("DENTELLE_DATA_DIR") or ""


def clean_decp_texts(data_dir, exclude=frozenset()):
    """(key, texts) of every clean DECP record of the shared data, once per record.

    ``key`` is (source, id); records of the damaged feeds, and keys in ``exclude``, are left out.
    """
    data_dir = Path(data_dir)
    seen = set()
    csv_path = data_dir / CLEAN_CSV
    if csv_path.exists():
        with open(csv_path, encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                key = (row.get("source", ""), row.get("id", ""))
                if key[0] in DAMAGED_SOURCES or key in seen:
                    continue
                seen.add(key)
                if key in exclude:
                    continue
                names = (row.get("titulaires_noms") or "").split("|")
                yield key, (row.get("objet"), row.get("acheteur_nom"), row.get("lieu_execution_nom"), *names)
    for relative in CLEAN_FEEDS:
        path = data_dir / relative
        if not path.exists():
            continue
        with gzip.open(path, "rt", encoding="utf-8-sig") as handle:
            records = json.load(handle).get("marches", [])
        for item in records if isinstance(records, list) else []:
            if not isinstance(item, dict):
                continue
            key = (str(item.get("source", "")), str(item.get("id", "")))
            if key[0] in DAMAGED_SOURCES or key in seen:
                continue
            seen.add(key)
            if key in exclude:
                continue
            yield key, tuple(_json_texts(item))


def _json_texts(item):
    for name in ("objet",):
        yield item.get(name)
    for name in ("acheteur", "autoriteConcedante", "lieuExecution"):
        part = item.get(name)
        if isinstance(part, dict):
            yield part.get("nom")
    for name in ("titulaires", "concessionnaires"):
        for holder in item.get(name) or []:
            if isinstance(holder, dict):
                yield holder.get("denominationSociale")


def label_texts(data_dir):
    """The CPV, NAF and geography labels (each counted once per row)."""
    data_dir = Path(data_dir)
    for relative, columns in LABEL_FILES:
        path = data_dir / relative
        if not path.exists():
            continue
        with open(path, encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                for column in columns:
                    value = row.get(column)
                    if value and isinstance(value, str):
                        yield value


def build_lexicon(data_dir=None, exclude=frozenset()):
    data_dir = Path(data_dir or default_data_dir())
    lexicon = Lexicon(label_texts(data_dir))
    for _key, texts in clean_decp_texts(data_dir, exclude):
        lexicon.add_texts(texts)
    return lexicon


_LOCK = threading.Lock()
_DEFAULT = {}


def default_lexicon():
    """The lexicon of the shared data folder, built on first use (≈ 1 s) and kept for the process."""
    data_dir = default_data_dir()
    with _LOCK:
        if data_dir not in _DEFAULT:
            _DEFAULT[data_dir] = build_lexicon(data_dir)
        return _DEFAULT[data_dir]


def repair_record(record):
    """Repair a ``DecpRecord``'s text fields in place (it is frozen: set once, while it is being built)."""
    holders = record.holders
    texts = (record.object, record.buyer_name, record.place_name, *(holder.name for holder in holders))
    if not any(text and (DAMAGE in text or C1_RE.search(text)) for text in texts):
        return
    flags = set()
    for name in ("object", "buyer_name", "place_name"):
        fixed = repair_text(getattr(record, name))
        flags.add(fixed.flag)
        object.__setattr__(record, name, fixed.text)
    if any(holder.name and (DAMAGE in holder.name or C1_RE.search(holder.name)) for holder in holders):
        fixed_holders = []
        for holder in holders:
            fixed = repair_text(holder.name)
            flags.add(fixed.flag)
            fixed_holders.append(replace(holder, name=fixed.text))
        object.__setattr__(record, "holders", tuple(fixed_holders))
    object.__setattr__(record, "text_flag", ALTERED if ALTERED in flags else REPAIRED)
