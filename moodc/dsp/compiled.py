"""moodc's compiled DSP kernels (``_kernels.c``, built at install), or a clear error.

Two per-sample recursions dominated a render's pure-Python-and-numpy cost: second-order
sections (:func:`sosfilt`, under :mod:`moodc.dsp.sosfilt`) and the reverb's delay network
(:func:`fdn`, under :class:`moodc.synth.effects.Reverb`, whose stereo output is mixed from
the lines and brought back to the full rate by :func:`fdn_out`). Three loops of the block renderer
(:mod:`moodc.synth.engine`) follow: adding notes into a block (:func:`add_notes`, a
layer's notes in one pass over the block instead of a product and a sum per note;
:func:`add_scaled` is one note), the motion curves (:func:`scale_by_curve`, interpolated
while applied) and the dry mix and effect sends of a block's layers (:func:`premix`, one
pass over the layers). The tone synthesiser's wavetable read (:func:`wavetable_add`, one
voice of :func:`moodc.synth.oscillators.additive_tone` added from its phase plan) made two
block-sized temporaries per voice and block; it is one pass. The plucked string's loop
(:func:`ks_loop`, :func:`moodc.synth.oscillators.karplus_strong`) went one period at a
time in numpy, a Python iteration every few milliseconds of a string, and the ping-pong
echo's lines (:func:`echo`, :class:`moodc.synth.effects.Echo`) a delay at a time, six
array passes and three temporaries per chunk; the block's tilt and width
(:func:`tilt_width`) and the texture beds' return to the full rate (:func:`upsample2`)
were a shifted copy and several strided passes each; the reverb's input (:func:`reverb_send`:
the pair means to the half rate, the early reflections, the lines' share) twenty array
passes, and the echo's and the reverb's returns into the mix (:func:`mix_in`) two or three
passes and a temporary each. Mastering's last
step, quantising with TPDF dither (:func:`tpdf_quantise`, under
:func:`moodc.audio_io.quantise`), was four numpy passes over every block; it is one; the
limiter's held and averaged reduction (:func:`limiter_smooth`, under
:func:`moodc.synth.master.limiter_gain`) was a dozen float64 passes and temporaries over
every limited block; it is one queue and one running sum, and where it moves
(:func:`limiter_moving`: the indices and exponents of the gain's power) one pass more.
Pass 1's DC blocker, fade and
K-weighted meter filter (:func:`pass1_filters`, under
:class:`moodc.synth.master._Pass1Analyser`) were two filter passes over transposed copies
and an interleaving copy for the scratch file; they are one pass. The limiter's true-peak
envelope finds its candidates (:func:`peak_candidates`, under
:func:`moodc.dsp.peak.peak_envelope`) in one pass instead of a dozen, and a limited block's gain, true peak
(:func:`limit_frames`) and lost power per hop (:func:`gain_loss_add`) are one pass each.
A note envelope's straight pieces (:func:`envelope_ramp`, under
:func:`moodc.synth.envelope.adsr`) were four float64 passes and a temporary each, and the
wind bed's cross-fade and swell (:func:`crossfade_swell`) eight passes over every frame, and
each shimmer partial (:func:`sine_curve_mix`: its sine read, its tremolo, its two pans) five
passes and a temporary; they are one each. A noise bed's white noise (:func:`uniform_noise`)
is made from the generator's raw words with its two float32 steps, not drawn a float at a
time and passed over twice; raw words (:func:`pcg64_raw`, under
:func:`moodc.dsp.rawbits.raw_words`: the dither's and the noise beds') are numpy's PCG64
words with four states carried side by side, not one through a function pointer at a
time. The kernels do the same float operations in the same order as the scipy/numpy code
they replaced (tests compare them bit for bit; the numpy definitions no render calls any
more are in ``tests/helpers/reference.py``). A checkout or
wheel without them is a broken install: there is no slower path that could render different
samples.
"""

from __future__ import annotations

from moodc.errors import BrokenInstallError

try:
    from moodc.dsp._kernels import (
        add_notes,
        add_scaled,
        crossfade_swell,
        echo,
        envelope_ramp,
        fdn,
        fdn_out,
        gain_loss_add,
        ks_loop,
        limit_frames,
        limiter_moving,
        limiter_smooth,
        mix_in,
        pass1_filters,
        pcg64_raw,
        peak_candidates,
        premix,
        reverb_send,
        scale_by_curve,
        sine_curve_mix,
        sosfilt,
        tilt_width,
        tpdf_quantise,
        uniform_noise,
        upsample2,
        wavetable_add,
    )
except ImportError as exc:  # a source tree or wheel without the compiled module
    raise BrokenInstallError(
        f"moodc's compiled DSP kernels (moodc/dsp/_kernels.c) are not built ({exc})",
        hint="run `make setup`, or `python setup.py build_ext --inplace` in a source "
             "checkout (needs a C compiler and the Python headers)") from exc

__all__ = ["add_notes", "add_scaled", "crossfade_swell", "echo", "envelope_ramp", "fdn", "fdn_out",
           "gain_loss_add", "ks_loop", "limit_frames", "limiter_moving", "limiter_smooth",
           "mix_in", "pass1_filters", "pcg64_raw",
           "peak_candidates", "premix", "reverb_send", "scale_by_curve", "sine_curve_mix",
           "sosfilt", "tilt_width", "tpdf_quantise", "uniform_noise", "upsample2",
           "wavetable_add"]
