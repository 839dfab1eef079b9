"""Build moodc's one compiled module, its DSP kernels (``moodc/dsp/_kernels.c``).

Everything else is in pyproject.toml. No fused multiply-add: the kernels must round every
product and sum as the scipy and numpy code they replace does, so their samples are the
same bit for bit.
"""

import sys

from setuptools import Extension, setup

#: -ftree-vectorize: gcc's -O2 vectorises only loops whose trip count it knows; the element-
#: wise loops (adding a note, the motion curve) are SIMD-width multiples of numpy's speed only
#: vectorised. Vectorising element-wise IEEE operations rounds each exactly as before (no
#: reassociation without -ffast-math), so the samples do not move (tested bit for bit).
COMPILE_ARGS = ([] if sys.platform == "win32"
                else ["-O2", "-ftree-vectorize", "-ffp-contract=off", "-fno-fast-math"])

setup(ext_modules=[Extension("moodc.dsp._kernels", ["moodc/dsp/_kernels.c"],
                             extra_compile_args=COMPILE_ARGS)])
