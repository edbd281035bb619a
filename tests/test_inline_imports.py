"""Imports live at the top of modules; one written inside a function says why on its line or just above
its block of imports (`# lazy: openpyxl costs 0.4 s of imports`, `# lazy: cycle, … imports this module`).
A broad `except Exception` sits at a boundary and says so on its line or the next.

The graph between apps is checked by test_import_cycles.py (which reads imports inside functions too).
"""

import ast
import io
import re
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# A comment that only silences a tool says nothing about why the import is here.
TOOL_ONLY = re.compile(
    r"#\s*(noqa(:\s*[A-Z0-9, ]+)?|type:\s*ignore(\[[^\]]*\])?|fmt:\s*\w+|pragma:[^#]*)\s*$"
)


def inline_imports(tree):
    """(function name, import node, first line of its block of consecutive imports) for every import
    written inside a function."""
    found = []

    def visit(node, function):
        body_lists = [getattr(node, name) for name in ("body", "orelse", "finalbody") if hasattr(node, name)]
        body_lists += [handler.body for handler in getattr(node, "handlers", [])]
        body_lists += [case.body for case in getattr(node, "cases", [])]
        for body in body_lists:
            if not isinstance(body, list):
                continue
            block_start = None
            for statement in body:
                if isinstance(statement, ast.Import | ast.ImportFrom):
                    block_start = block_start or statement.lineno
                    if function:
                        found.append((function, statement, block_start))
                else:
                    block_start = None
                if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef):
                    visit(statement, function or statement.name)
                elif not isinstance(statement, ast.Import | ast.ImportFrom):
                    visit(statement, function)

    visit(tree, None)
    return found


def comment_lines(text):
    return {
        token.start[0]
        for token in tokenize.generate_tokens(io.StringIO(text).readline)
        if token.type == tokenize.COMMENT and not TOOL_ONLY.match(token.string)
    }


def unexplained(text):
    """(function, import node) of the imports inside functions that carry no comment saying why."""
    comments = comment_lines(text)
    return [
        (function, node)
        for function, node, block_start in inline_imports(ast.parse(text))
        if not (set(range(node.lineno, node.end_lineno + 1)) | {block_start - 1}) & comments
    ]


def unexplained_imports():
    missing = []
    for path in sorted((ROOT / "dentelle").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if "migrations" in path.parts:
            continue
        for function, node in unexplained(path.read_text(encoding="utf-8")):
            missing.append(f"{relative}:{node.lineno} ({function}) {ast.unparse(node)}")
    return missing


def test_every_import_inside_a_function_says_why():
    missing = unexplained_imports()
    assert not missing, (
        "Import dans une fonction sans commentaire (le remonter en tête du module, ou dire pourquoi "
        "il reste là : `# lazy: …`) :\n" + "\n".join(missing)
    )


def test_the_check_flags_a_bare_import_and_accepts_a_commented_block():
    source = (
        "import os\n\n\n"
        "def bare():\n    import json\n    return json\n\n\n"
        "def explained():\n    # lazy: costs 0.5 s\n    import csv\n    import re\n    return csv, re\n\n\n"
        "def inline():\n    x = 1\n    import io  # lazy: rarely used\n    return io, x\n\n\n"
        "def silenced():\n    import sys  # noqa: F401\n\n\n"
        "def said():\n    import glob  # noqa: F401  (registers the checks)\n\n\n"
        "class Model:\n    def clean(self):\n        def inner():\n            import glob\n"
    )
    assert [(function, ast.unparse(node)) for function, node in unexplained(source)] == [
        ("bare", "import json"),
        ("silenced", "import sys"),
        ("clean", "import glob"),
    ]


def broad_excepts_without_reason(text):
    """Line numbers of the `except Exception` clauses with no comment on their line or the next one."""
    comments = comment_lines(text)
    return [
        node.lineno
        for node in ast.walk(ast.parse(text))
        if isinstance(node, ast.ExceptHandler)
        and isinstance(node.type, ast.Name)
        and node.type.id in ("Exception", "BaseException")
        and not {node.lineno, node.lineno + 1} & comments
    ]


def test_every_broad_except_says_why_it_is_a_boundary():
    missing = [
        f"{path.relative_to(ROOT).as_posix()}:{line}"
        for path in sorted((ROOT / "dentelle").rglob("*.py"))
        if "migrations" not in path.parts
        for line in broad_excepts_without_reason(path.read_text(encoding="utf-8"))
    ]
    assert not missing, "`except Exception` sans commentaire disant pourquoi : " + ", ".join(missing)


def test_the_except_check_flags_a_bare_broad_except():
    source = (
        "try:\n    pass\nexcept Exception:\n    pass\n"
        "try:\n    pass\nexcept Exception:  # boundary: the last handler\n    pass\n"
        "try:\n    pass\nexcept ValueError:\n    pass\n"
    )
    assert broad_excepts_without_reason(source) == [3]
