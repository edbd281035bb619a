# pure: no database
"""Token TF-IDF between a lot's text and structure profiles (pure: stdlib + numpy).

No scipy: the structure side is an inverted index token → (structure rows, weights), so a query of a
few tokens costs a few `np.bincount` calls over short arrays.
"""

import math
import re
from collections import Counter
from dataclasses import dataclass

import numpy as np

from dentelle.core.text import fold

STOPWORDS = frozenset(
    """au aux avec ce ces dans de des du en et il la le les leur lui ma mais me meme mes moi mon ne nos
    notre nous on ou par pas pour qu que qui sa se ses son sur ta te tes toi ton tu un une vos votre vous
    sans sous chez entre vers lot lots marche marches accord cadre prestation prestations service services
    fourniture fournitures travaux autre autres divers diverses ensemble relatif relatifs relative relatives
    type annee ans mois site sites besoin besoins etc""".split()
)
TOKEN_RE = re.compile(r"[a-z0-9]+")
STEM_LENGTH = 7  # crude French stemming: "nettoyage" / "nettoyer" → "nettoya"/"nettoye" → 7 letters


def tokens(text):
    """Stemmed content words of a French text."""
    out = []
    for word in TOKEN_RE.findall(fold(text)):
        if len(word) < 3 or word in STOPWORDS or word.isdigit():
            continue
        if len(word) > 4 and word[-1] in "sx":
            word = word[:-1]
        out.append(word[:STEM_LENGTH])
    return out


@dataclass
class TextIndex:
    """TF-IDF vectors of n documents, L2-normalised, stored as postings per token."""

    size: int
    idf: dict  # token → idf
    postings: dict  # token → (rows int32 array, weights float32 array)

    def similarity(self, text, exclude=frozenset()):
        """Cosine similarity of `text` against every document: float32 array of length `size`.
        `exclude`: stems to ignore (the lot's place name: "Saint-Denis" in a title says where, not what)."""
        counts = Counter(t for t in tokens(text) if t in self.idf and t not in exclude)
        scores = np.zeros(self.size, dtype=np.float32)
        if not counts:
            return scores
        query = {t: (1 + math.log(c)) * self.idf[t] for t, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in query.values())) or 1.0
        for token, value in query.items():
            if token not in self.postings:  # a restricted index keeps the idf of words it lacks
                continue
            rows, weights = self.postings[token]
            scores += np.bincount(rows, weights * (value / norm), minlength=self.size).astype(np.float32)
        return scores

    def shared_terms(self, text, row, documents, exclude=frozenset()):
        """Words of `text` also in document `row` (for the reasons shown to people)."""
        doc = set(tokens(documents[row])) if documents else set()
        words = []
        for word in TOKEN_RE.findall(fold(text)):
            stem = tokens(word)
            if stem and stem[0] in doc and stem[0] not in exclude and word not in words:
                words.append(word)
        return words


def build_text_index(documents):
    """Build the TF-IDF index of a list of profile texts (one per structure)."""
    n = len(documents)
    term_counts = [Counter(tokens(doc)) for doc in documents]
    df = Counter()
    for counts in term_counts:
        df.update(counts.keys())
    idf = {t: math.log((1 + n) / (1 + d)) + 1.0 for t, d in df.items()}
    rows_by_token, weights_by_token = {}, {}
    for row, counts in enumerate(term_counts):
        if not counts:
            continue
        vector = {t: (1 + math.log(c)) * idf[t] for t, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        for token, value in vector.items():
            rows_by_token.setdefault(token, []).append(row)
            weights_by_token.setdefault(token, []).append(value / norm)
    postings = {
        t: (np.asarray(rows_by_token[t], dtype=np.int32), np.asarray(weights_by_token[t], dtype=np.float64))
        for t in rows_by_token
    }
    return TextIndex(size=n, idf=idf, postings=postings)


def restrict_text_index(index, rows, documents):
    """The same TF-IDF index limited to documents `rows` (renumbered 0..k-1): same idf, so one
    structure's similarity to a text is exactly the one the whole index gives. `documents` are the
    indexed texts, read only to find each row's tokens (cheaper than scanning every posting)."""
    postings = {}
    for new, row in enumerate(rows):
        for token in set(tokens(documents[row])):
            if token not in index.postings:
                continue
            owners, weights = index.postings[token]
            at = int(np.searchsorted(owners, row))
            if at < owners.size and owners[at] == row:
                old_rows, old_weights = postings.get(token, (np.zeros(0, np.int32), np.zeros(0)))
                postings[token] = (
                    np.append(old_rows, np.int32(new)).astype(np.int32),
                    np.append(old_weights, weights[at]),
                )
    return TextIndex(size=len(rows), idf=index.idf, postings=postings)
