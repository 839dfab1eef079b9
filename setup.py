"""Build moodc's one compiled module, the biquad kernel (``moodc/dsp/_biquad.c``).

Everything else is in pyproject.toml. No fused multiply-add: the kernel must round every
product and sum as scipy's kernel does, so its samples are scipy's bit for bit.
"""

import sys

from setuptools import Extension, setup

COMPILE_ARGS = [] if sys.platform == "win32" else ["-O2", "-ffp-contract=off", "-fno-fast-math"]

setup(ext_modules=[Extension("moodc.dsp._biquad", ["moodc/dsp/_biquad.c"],
                             extra_compile_args=COMPILE_ARGS)])
