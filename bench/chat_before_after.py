"""Before/after of the chat load bench in one run: bench/chat_load.py of another tree (the code
before a change, e.g. `git worktree add /work/wt-chat-old a219afd` with its own `uv sync`),
then of this tree, with the same arguments, each with its own database (their schemas
differ) and its own `websockets` ceiling measured right after it (compare each server with
the ceiling of its own half: the machine's load moves between the two halves).

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/cde_chat_bench \\
    REDIS_URL=redis://127.0.0.1:6379/6 uv run python bench/chat_before_after.py \\
        --before /work/wt-chat-old -- --clients 1000 --rates 5,20

The databases are BENCH_DATABASE_URL with `_before` and `_after` appended.
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(tree, label, database_url, bench_args):
    python = tree / ".venv" / "bin" / "python"
    print(f"\n===== {label} : {tree} =====", flush=True)
    return subprocess.run(  # noqa: S603 - fixed command, loopback
        [
            str(python),
            str(tree / "bench" / "chat_load.py"),
            "--database-url",
            database_url,
            *bench_args,
        ],
        cwd=tree,
        check=False,
    ).returncode


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True, help="arbre de l'ancien code")
    parser.add_argument("bench_args", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    bench_args = [arg for arg in args.bench_args if arg != "--"]
    base = os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cde_cafes_bench"
    )
    codes = [
        run(args.before, "Avant", f"{base}_before", bench_args),
        run(ROOT, "Après", f"{base}_after", bench_args),
    ]
    sys.exit(max(codes))


if __name__ == "__main__":
    main()
