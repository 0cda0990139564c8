"""Size figures of the Python code: lines, files, the largest files and the longest functions.

Reads the files git tracks (and untracked, not ignored ones), so .venv and data/ never count.
`python bench/code_metrics.py [--top 15] [--min-function-lines 80] [--under DIR ...]`
"""

from __future__ import annotations

import argparse
import ast
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def python_files(repo: Path) -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "*.py"],
        cwd=repo,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return [repo / name for name in listed if (repo / name).is_file()]


def long_functions(path: Path, min_lines: int) -> list[tuple[int, str, int]]:
    """(length, qualified name, first line) of each function at least `min_lines` long."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str, int]] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                name = f"{prefix}{child.name}"
                if not isinstance(child, ast.ClassDef):
                    first = min([child.lineno, *(d.lineno for d in child.decorator_list)])
                    length = child.end_lineno - first + 1
                    if length >= min_lines:
                        found.append((length, name, child.lineno))
                visit(child, f"{name}.")
            else:
                visit(child, prefix)

    visit(tree, "")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=15, help="how many largest files to list")
    parser.add_argument("--min-function-lines", type=int, default=81)
    parser.add_argument("--under", nargs="*", default=[], help="only these folders")
    args = parser.parse_args()

    files = python_files(REPO)
    if args.under:
        files = [f for f in files if any(f.relative_to(REPO).parts[0] == u for u in args.under)]
    sizes = sorted(
        ((len(f.read_text(encoding="utf-8").splitlines()), f) for f in files), reverse=True
    )
    print(f"python files: {len(files)}, lines: {sum(n for n, _ in sizes)}")
    print(f"\nlargest {args.top} files:")
    for lines, path in sizes[: args.top]:
        print(f"  {lines:6d}  {path.relative_to(REPO)}")
    functions = [
        (length, f"{path.relative_to(REPO)}:{line} {name}")
        for _, path in sizes
        for length, name, line in long_functions(path, args.min_function_lines)
    ]
    functions.sort(reverse=True)
    print(f"\nfunctions of {args.min_function_lines} lines or more: {len(functions)}")
    for length, where in functions:
        print(f"  {length:5d}  {where}")


if __name__ == "__main__":
    main()
