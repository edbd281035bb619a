"""CPV lookups of the referentials index (index.py): a code's label, ancestors, children and
descendants in the CPV 2008 tree, and a search by code prefix or label words."""

import re
from typing import NamedTuple

from dentelle.referentials.index_parts import IndexPart
from dentelle.referentials.text import normalise


class CpvInfo(NamedTuple):
    code: str
    check_digit: str
    level: str
    parent: str | None
    label_fr: str
    label_en: str
    search_text: str

    @property
    def full_code(self):
        return f"{self.code}-{self.check_digit}" if self.check_digit else self.code


_CPV_CODE_RE = re.compile(r"^\s*(\d{8})(?:-?(\d))?\s*$")


class CpvLookups:
    """The CPV half of ``ReferentialIndex`` (which provides ``_sources``, ``_part`` and ``_point``): its
    part « cpv » and the lookups over it."""

    def _build_cpv(self):
        cpv_codes = list(self._sources["cpv"]())
        children = {}
        for cpv in cpv_codes:
            if cpv.parent:
                children.setdefault(cpv.parent, []).append(cpv.code)
        return {c.code: c for c in cpv_codes}, children

    cpv_codes = IndexPart("cpv", 0)
    _children = IndexPart("cpv", 1)

    def cpv(self, code):
        match = _CPV_CODE_RE.match(str(code or ""))
        if not match:
            return None
        found, info = self._point("cpv", match.group(1))
        return info if found else self.cpv_codes.get(match.group(1))

    def cpv_label(self, code):
        info = self.cpv(code)
        return info.label_fr if info else None

    def cpv_ancestors(self, code):
        """Codes of the ancestors, nearest first (the division last)."""
        info, ancestors = self.cpv(code), []
        while info and info.parent:
            ancestors.append(info.parent)
            info = self.cpv_codes.get(info.parent)
        return ancestors

    def cpv_children(self, code):
        info = self.cpv(code)
        return list(self._children.get(info.code, ())) if info else []

    def cpv_descendants(self, code):
        """Codes of all descendants, in code order."""
        info = self.cpv(code)
        if not info:
            return []
        found, stack = [], list(self._children.get(info.code, ()))
        while stack:
            child = stack.pop()
            found.append(child)
            stack.extend(self._children.get(child, ()))
        return sorted(found)

    def search_cpv(self, text, limit=20):
        """CPV codes matching a code prefix or the words of a label, best first (``limit=None``: all)."""
        text = (text or "").strip()
        exact = self.cpv(text)
        if exact:
            return [exact]
        digits = re.sub(r"[\s-]", "", text)
        if digits.isdigit():
            return [info for code, info in self.cpv_codes.items() if code.startswith(digits)][:limit]
        query = normalise(text)
        words = query.split()
        if not words:
            return []
        scored = []
        for info in self.cpv_codes.values():
            label = info.search_text.split(" | ", 1)[0]
            if not all(word in info.search_text for word in words):
                continue
            if label == query:
                rank = 0
            elif label.startswith(query):
                rank = 1
            elif query in label:
                rank = 2
            elif all(word in label for word in words):
                rank = 3
            else:
                rank = 4  # matched through the English label
            scored.append((rank, len(label), len(info.code.rstrip("0")), info.code, info))
        scored.sort(key=lambda item: item[:4])
        return [item[-1] for item in scored[:limit]]
