"""Benchmark: repair of DECP text damaged as the AIFE 2019 feed is (accented letters → « � »).

Not a test. Takes the clean records of the shared 2019 DECP (the three clean feeds and the flattened
CSV, without the AIFE rows), splits them into FOLDS by record, and for each fold builds the lexicon
without that fold's records (held out), damages the fold's texts exactly as the AIFE feed does (every
Latin-1 letter or sign → one U+FFFD, other Windows-1252 signs → C1 controls; see dentelle.decp.repair),
repairs them with the same function the readers call, and compares word by word with the original.

Reports: damaged words, share restored exactly (case included), share wrongly changed, share left
damaged (flagged « texte altéré à la source »), records whose text comes out whole; throughput and peak
memory. Run: `.venv/bin/python bench/bench_text_repair.py [--folds 5]`.
"""

import argparse
import resource
import sys
import time
import zlib
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dentelle.decp import repair  # noqa: E402


def fold_of(key, folds):
    return zlib.crc32(repr(key).encode()) % folds


def evaluate(texts, lexicon, tally, errors):
    for original in texts:
        if not original:
            continue
        damaged = repair.damage(original)
        if repair.DAMAGE not in damaged and not repair.C1_RE.search(damaged):
            continue
        fixed = repair.repair_text(damaged, lexicon).text
        assert len(fixed) == len(original)  # the damage and the repair keep every offset
        for match in repair.TOKEN_RE.finditer(original):
            word = match.group()
            got = fixed[match.start() : match.end()]
            if not any(0xA0 <= ord(char) <= 0xFF for char in word):
                tally["clean words"] += 1
                tally["clean words changed"] += got != word
                continue
            tally["damaged words"] += 1
            if got == word:
                tally["restored"] += 1
            elif repair.DAMAGE in got:
                tally["left damaged"] += 1
            else:
                tally["wrong"] += 1
                errors[(word, got)] += 1
        tally["damaged texts"] += 1
        tally["texts whole"] += fixed == original


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--data-dir", default=None)
    args = parser.parse_args()
    data_dir = Path(args.data_dir or repair.default_data_dir())

    records = list(repair.clean_decp_texts(data_dir))
    tally, errors = Counter(), Counter()
    start = time.perf_counter()
    repair_seconds = 0.0
    for fold in range(args.folds):
        held_out = {key for key, _texts in records if fold_of(key, args.folds) == fold}
        lexicon = repair.build_lexicon(data_dir, exclude=held_out)
        begin = time.perf_counter()
        for key, texts in records:
            if key in held_out:
                evaluate(texts, lexicon, tally, errors)
        repair_seconds += time.perf_counter() - begin
    elapsed = time.perf_counter() - start

    words = tally["damaged words"] or 1
    print(
        f"Réparation du texte DECP, {args.folds} plis tenus à l'écart ({len(records)} enregistrements propres)"
    )
    print(f"  mots abîmés          : {tally['damaged words']}")
    print(f"  restitués exactement : {tally['restored'] / words:.2%}")
    print(f"  changés à tort       : {tally['wrong'] / words:.2%} ({tally['wrong']})")
    print(f"  laissés abîmés       : {tally['left damaged'] / words:.2%} (signalés « {repair.ALTERED} »)")
    print(f"  mots sains modifiés  : {tally['clean words changed']} sur {tally['clean words']}")
    print(
        f"  textes abîmés rendus entiers : {tally['texts whole']} sur {tally['damaged texts']} "
        f"({tally['texts whole'] / (tally['damaged texts'] or 1):.2%})"
    )
    print(
        f"  débit : {tally['damaged texts'] / repair_seconds:,.0f} textes abîmés/s (réparation seule) ; "
        f"total {elapsed:.1f} s avec {args.folds} lexiques"
    )
    print(f"  mémoire de pointe : {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} Mo")
    print(
        "  erreurs les plus fréquentes : "
        + ", ".join(f"{w}→{g} ({n})" for (w, g), n in errors.most_common(12))
    )


if __name__ == "__main__":
    main()
