from mammoth_math.cli import main

# vLLM's CPU platform starts its engine workers with multiprocessing's spawn, which re-runs the parent's
# main script in each child. `python -m mammoth_math` is exempt (spawn skips a package's __main__; an
# unguarded copy ran, tested), but this file run by path is not: the guard keeps both safe.
if __name__ == "__main__":
    raise SystemExit(main())
