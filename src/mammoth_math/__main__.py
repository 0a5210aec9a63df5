from mammoth_math.cli import main

# The guard matters: vLLM starts its engine workers with multiprocessing's spawn, which re-imports
# this module in each child as __mp_main__; unguarded, every worker would run the CLI again.
if __name__ == "__main__":
    raise SystemExit(main())
