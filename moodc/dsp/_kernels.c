/* moodc.dsp._kernels: the render's per-sample recursions and hottest loops, compiled.
 *
 * Each does numpy's (or scipy's) arithmetic in the same order, every product and sum
 * rounded to the working type (no fused multiply-add: build with -ffp-contract=off), so the
 * samples are the same bit for bit; the tests compare them with the pure numpy/scipy paths.
 *
 * sosfilt(sos, x, zi) has the signature and the arithmetic of scipy's private kernel
 * (scipy/signal/_sosfilt.pyx): for every sample, section by section,
 *
 *     y      = b0*x + z0
 *     z0     = (b1*x - a1*y) + z1
 *     z1     = b2*x - a2*y
 *
 * with every product and sum rounded to the working type (no fused multiply-add: build
 * with -ffp-contract=off), so the samples are scipy's bit for bit. scipy walks one signal
 * at a time and keeps the state in memory; each sample waits for the previous one's store.
 * Here two signals (a stereo pair) run in the same loop with the state of up to two
 * sections in registers: their recursions are independent, so the CPU overlaps them. About
 * 2.5x scipy's speed for one- and two-section filters (the DC blocker, K-weighting, noise
 * bands), the render's most-run recursion.
 *
 * sos: (n_sections, 6) C-contiguous, float32 or float64; x: (n_signals, n_samples),
 * filtered in place; zi: (n_signals, n_sections, 2), updated in place. All three share one
 * type. The GIL is released while filtering.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#if defined(_MSC_VER) && !defined(restrict)
#define restrict __restrict /* C99's restrict, before MSVC's /std:c11 */
#endif

/* ELEMENTWISE: the element-wise loops (adding notes, the premix, the motion curve, the
 * echo, the reverb's output, tilt and width, quantising) are also compiled for AVX2,
 * chosen at load time where the CPU has it (glibc's ifunc; elsewhere the one baseline
 * build). Eight
 * floats a step instead of SSE's four: the premix of six layers 0.58 -> 0.27 ms and twenty
 * notes into a 2 s block 0.59 -> 0.41 ms (measured). The AVX2 copy does the same IEEE
 * operations per element (no FMA: AVX2 alone does not enable it, and -ffp-contract=off
 * forbids contraction anyway), so the two copies give the same bits; the tests compare
 * whichever runs with numpy, and every golden's PCM is unchanged with either. */
#ifndef ELEMENTWISE /* -DELEMENTWISE= builds the baseline copy alone (to test it) */
#if defined(__x86_64__) && defined(__linux__) && defined(__GLIBC__) && defined(__has_attribute)
#if __has_attribute(target_clones)
#define ELEMENTWISE __attribute__((target_clones("avx2", "default")))
#endif
#endif
#endif
#ifndef ELEMENTWISE
#define ELEMENTWISE
#endif
/* a helper of an ELEMENTWISE loop: inlined, so that its loops are in the AVX2 copy too */
#if defined(__GNUC__) || defined(__clang__)
#define INLINE_LOOP static inline __attribute__((always_inline))
#elif defined(_MSC_VER)
#define INLINE_LOOP static __forceinline
#else
#define INLINE_LOOP static inline
#endif

#define SECTION(c, in, z0, z1, out) \
    do { out = c[0] * in + z0; z0 = c[1] * in - c[4] * out + z1; \
         z1 = c[2] * in - c[5] * out; } while (0)

#if (defined(__GNUC__) || defined(__clang__)) && !defined(SCALAR_PAIRS)
/* Two signals' two sections over the samples: the pair in the low lanes of one SSE vector,
 * each step one packed operation for both (the same roundings, as in pass1_filters). */
typedef float sos_v4f __attribute__((vector_size(16)));
typedef double sos_v2d __attribute__((vector_size(16)));
#define PAIR_TWO_SECTIONS(T, VT)                                                           \
    do {                                                                                   \
        VT p0 = {pa0, pb0}, p1 = {pa1, pb1}, q0 = {qa0, qb0}, q1 = {qa1, qb1};             \
        for (Py_ssize_t n = 0; n < n_samples; n++) {                                       \
            const VT in = {xa[n], xb[n]};                                                  \
            VT u, v;                                                                       \
            SECTION(c, in, p0, p1, u);                                                     \
            SECTION(d, u, q0, q1, v);                                                      \
            xa[n] = v[0]; xb[n] = v[1];                                                    \
        }                                                                                  \
        pa0 = p0[0]; pb0 = p0[1]; pa1 = p1[0]; pb1 = p1[1];                                \
        qa0 = q0[0]; qb0 = q0[1]; qa1 = q1[0]; qb1 = q1[1];                                \
    } while (0)
#else
#define PAIR_TWO_SECTIONS(T, VT)                                                           \
    do {                                                                                   \
        for (Py_ssize_t n = 0; n < n_samples; n++) {                                       \
            T ua, ub, va, vb;                                                              \
            SECTION(c, xa[n], pa0, pa1, ua); SECTION(c, xb[n], pb0, pb1, ub);              \
            SECTION(d, ua, qa0, qa1, va); SECTION(d, ub, qb0, qb1, vb);                    \
            xa[n] = va; xb[n] = vb;                                                        \
        }                                                                                  \
    } while (0)
#endif

#define DEFINE_KERNEL(NAME, T, VT)                                                           \
static void NAME(const T *sos, Py_ssize_t n_sections, T *x, Py_ssize_t n_signals,         \
                 Py_ssize_t n_samples, T *zi)                                             \
{                                                                                         \
    for (Py_ssize_t i = 0; i < n_signals; i += 2) {                                      \
        const int pair = i + 1 < n_signals;                                               \
        T *xa = x + i * n_samples, *xb = pair ? xa + n_samples : xa;                      \
        T *za = zi + i * n_sections * 2, *zb = pair ? za + n_sections * 2 : za;           \
        Py_ssize_t s = 0;                                                                 \
        for (; s + 1 < n_sections; s += 2) { /* two sections per pass over the samples */ \
            const T *c = sos + 6 * s, *d = c + 6;                                         \
            T pa0 = za[2*s], pa1 = za[2*s+1], qa0 = za[2*s+2], qa1 = za[2*s+3];           \
            T pb0 = zb[2*s], pb1 = zb[2*s+1], qb0 = zb[2*s+2], qb1 = zb[2*s+3];           \
            if (pair) {                                                                   \
                PAIR_TWO_SECTIONS(T, VT);                                                 \
                zb[2*s] = pb0; zb[2*s+1] = pb1; zb[2*s+2] = qb0; zb[2*s+3] = qb1;         \
            } else {                                                                      \
                for (Py_ssize_t n = 0; n < n_samples; n++) {                              \
                    T ua, va;                                                             \
                    SECTION(c, xa[n], pa0, pa1, ua); SECTION(d, ua, qa0, qa1, va);        \
                    xa[n] = va;                                                           \
                }                                                                         \
            }                                                                             \
            za[2*s] = pa0; za[2*s+1] = pa1; za[2*s+2] = qa0; za[2*s+3] = qa1;             \
        }                                                                                 \
        if (s < n_sections) { /* an odd last section */                                   \
            const T *c = sos + 6 * s;                                                     \
            T pa0 = za[2*s], pa1 = za[2*s+1], pb0 = zb[2*s], pb1 = zb[2*s+1];             \
            if (pair) {                                                                   \
                for (Py_ssize_t n = 0; n < n_samples; n++) {                              \
                    T ua, ub;                                                             \
                    SECTION(c, xa[n], pa0, pa1, ua); SECTION(c, xb[n], pb0, pb1, ub);     \
                    xa[n] = ua; xb[n] = ub;                                               \
                }                                                                         \
                zb[2*s] = pb0; zb[2*s+1] = pb1;                                           \
            } else {                                                                      \
                for (Py_ssize_t n = 0; n < n_samples; n++) {                              \
                    T ua;                                                                 \
                    SECTION(c, xa[n], pa0, pa1, ua);                                      \
                    xa[n] = ua;                                                           \
                }                                                                         \
            }                                                                             \
            za[2*s] = pa0; za[2*s+1] = pa1;                                               \
        }                                                                                 \
    }                                                                                     \
}

DEFINE_KERNEL(sosfilt_float, float, sos_v4f)
DEFINE_KERNEL(sosfilt_double, double, sos_v2d)

/* The feedback-delay network of moodc.synth.effects.Reverb, one sample at a time.
 *
 * buf (n_lines, width) float32 holds the write-ahead delay lines (column 0 is time T-1);
 * for each input sample t of x (m,): a_j = buf[j, t]*r + buf[j, t+1] (the loop's damping
 * average), the unnormalised Walsh-Hadamard transform of a in the butterfly order of
 * moodc.dsp.mixing.hadamard_stages (spans 1, 2, 4, ...: low+high, low-high), then
 * f_j = f_j*g_j + x[t], written to buf[j, 1 + t + d_j]. Every sample reads only columns
 * written by earlier samples (d_j >= 1), which is what the numpy version's chunks of the
 * shortest delay guarantee, so the two give the same floats.
 */
#define MAX_LINES 64
/* N_LINES is a compile-time constant in the specialised copies (8: the reverb's), so the
 * compiler unrolls the butterflies and keeps the lines in registers; same operations. */
#define DEFINE_FDN(NAME, N_LINES_EXPR)                                                    \
static void NAME(float *buf, Py_ssize_t n_lines_arg, Py_ssize_t width,                    \
                 const long long *delays, const float *gains_in, float ratio,             \
                 const float *x, Py_ssize_t m)                                            \
{                                                                                         \
    const Py_ssize_t n_lines = N_LINES_EXPR;                                              \
    float a[MAX_LINES], b[MAX_LINES], gains[MAX_LINES];                                   \
    const float *read[MAX_LINES];                                                         \
    float *write[MAX_LINES];                                                              \
    (void)n_lines_arg;                                                                    \
    /* local copies: the compiler need not reload them after every store into buf */     \
    for (Py_ssize_t j = 0; j < n_lines; j++) {                                            \
        gains[j] = gains_in[j];                                                           \
        read[j] = buf + j * width;                                                        \
        write[j] = buf + j * width + 1 + delays[j];                                       \
    }                                                                                     \
    for (Py_ssize_t t = 0; t < m; t++) {                                                  \
        const float in = x[t];                                                            \
        for (Py_ssize_t j = 0; j < n_lines; j++) {                                        \
            float v = read[j][t] * ratio;                                                 \
            a[j] = v + read[j][t + 1];                                                    \
        }                                                                                 \
        float *src = a, *dst = b;                                                         \
        for (Py_ssize_t span = 1; span < n_lines; span *= 2) {                            \
            for (Py_ssize_t base = 0; base < n_lines; base += 2 * span)                   \
                for (Py_ssize_t i = base; i < base + span; i++) {                         \
                    dst[i] = src[i] + src[i + span];                                      \
                    dst[i + span] = src[i] - src[i + span];                               \
                }                                                                         \
            float *swap = src; src = dst; dst = swap;                                     \
        }                                                                                 \
        for (Py_ssize_t j = 0; j < n_lines; j++) {                                        \
            float f = src[j] * gains[j];                                                  \
            write[j][t] = f + in;                                                         \
        }                                                                                 \
    }                                                                                     \
}

DEFINE_FDN(fdn_any, n_lines_arg)

/* The reverb's eight lines with every value in a register: the butterflies of fdn_any for
 * n_lines = 8 written out (spans 1, 2, 4), the same operations in the same order. */
static void fdn_8(float *buf, Py_ssize_t n_lines_arg, Py_ssize_t width,
                  const long long *delays, const float *gains, float ratio, const float *x,
                  Py_ssize_t m)
{
    (void)n_lines_arg;
    const float *r0 = buf, *r1 = buf + width, *r2 = buf + 2 * width, *r3 = buf + 3 * width,
                *r4 = buf + 4 * width, *r5 = buf + 5 * width, *r6 = buf + 6 * width,
                *r7 = buf + 7 * width;
    float *w0 = buf + 1 + delays[0], *w1 = buf + width + 1 + delays[1],
          *w2 = buf + 2 * width + 1 + delays[2], *w3 = buf + 3 * width + 1 + delays[3],
          *w4 = buf + 4 * width + 1 + delays[4], *w5 = buf + 5 * width + 1 + delays[5],
          *w6 = buf + 6 * width + 1 + delays[6], *w7 = buf + 7 * width + 1 + delays[7];
    const float g0 = gains[0], g1 = gains[1], g2 = gains[2], g3 = gains[3], g4 = gains[4],
                g5 = gains[5], g6 = gains[6], g7 = gains[7];
    for (Py_ssize_t t = 0; t < m; t++) {
        float a0 = r0[t] * ratio, a1 = r1[t] * ratio, a2 = r2[t] * ratio, a3 = r3[t] * ratio,
              a4 = r4[t] * ratio, a5 = r5[t] * ratio, a6 = r6[t] * ratio, a7 = r7[t] * ratio;
        a0 = a0 + r0[t + 1]; a1 = a1 + r1[t + 1]; a2 = a2 + r2[t + 1]; a3 = a3 + r3[t + 1];
        a4 = a4 + r4[t + 1]; a5 = a5 + r5[t + 1]; a6 = a6 + r6[t + 1]; a7 = a7 + r7[t + 1];
        const float b0 = a0 + a1, b1 = a0 - a1, b2 = a2 + a3, b3 = a2 - a3,
                    b4 = a4 + a5, b5 = a4 - a5, b6 = a6 + a7, b7 = a6 - a7;
        const float c0 = b0 + b2, c2 = b0 - b2, c1 = b1 + b3, c3 = b1 - b3,
                    c4 = b4 + b6, c6 = b4 - b6, c5 = b5 + b7, c7 = b5 - b7;
        const float d0 = c0 + c4, d4 = c0 - c4, d1 = c1 + c5, d5 = c1 - c5,
                    d2 = c2 + c6, d6 = c2 - c6, d3 = c3 + c7, d7 = c3 - c7;
        const float in = x[t];
        float f;
        f = d0 * g0; w0[t] = f + in;
        f = d1 * g1; w1[t] = f + in;
        f = d2 * g2; w2[t] = f + in;
        f = d3 * g3; w3[t] = f + in;
        f = d4 * g4; w4[t] = f + in;
        f = d5 * g5; w5[t] = f + in;
        f = d6 * g6; w6[t] = f + in;
        f = d7 * g7; w7[t] = f + in;
    }
}

/* fdn_8 on FDN_STEP samples at a time, each line's steps side by side in one vector: a
 * value written at t + 1 + d_j is read FDN_STEP or more samples later when every d_j >=
 * FDN_STEP, so the step's reads are all written already and its writes read by none of it
 * (the numpy loop's chunks of the shortest delay, in small). Per sample, the same
 * operations in the same order as fdn_8: the same floats. Returns the samples done (a
 * multiple of FDN_STEP); fdn_8 does the rest. */
#define FDN_STEP 8
ELEMENTWISE static Py_ssize_t fdn_8_steps(float *buf, Py_ssize_t width, const long long *delays,
                                          const float *gains, float ratio, const float *x,
                                          Py_ssize_t m)
{
    const float *r[8];
    float *w[8];
    for (int j = 0; j < 8; j++) {
        r[j] = buf + j * width;
        w[j] = buf + j * width + 1 + delays[j];
    }
    Py_ssize_t t = 0;
    for (; t + FDN_STEP <= m; t += FDN_STEP) {
        float a[8][FDN_STEP], b[8][FDN_STEP], c[8][FDN_STEP];
        for (int j = 0; j < 8; j++)
            for (int i = 0; i < FDN_STEP; i++) {
                const float v = r[j][t + i] * ratio;
                a[j][i] = v + r[j][t + i + 1];
            }
        for (int i = 0; i < FDN_STEP; i++) { /* span 1 */
            b[0][i] = a[0][i] + a[1][i]; b[1][i] = a[0][i] - a[1][i];
            b[2][i] = a[2][i] + a[3][i]; b[3][i] = a[2][i] - a[3][i];
            b[4][i] = a[4][i] + a[5][i]; b[5][i] = a[4][i] - a[5][i];
            b[6][i] = a[6][i] + a[7][i]; b[7][i] = a[6][i] - a[7][i];
        }
        for (int i = 0; i < FDN_STEP; i++) { /* span 2 */
            c[0][i] = b[0][i] + b[2][i]; c[2][i] = b[0][i] - b[2][i];
            c[1][i] = b[1][i] + b[3][i]; c[3][i] = b[1][i] - b[3][i];
            c[4][i] = b[4][i] + b[6][i]; c[6][i] = b[4][i] - b[6][i];
            c[5][i] = b[5][i] + b[7][i]; c[7][i] = b[5][i] - b[7][i];
        }
        for (int i = 0; i < FDN_STEP; i++) { /* span 4 */
            a[0][i] = c[0][i] + c[4][i]; a[4][i] = c[0][i] - c[4][i];
            a[1][i] = c[1][i] + c[5][i]; a[5][i] = c[1][i] - c[5][i];
            a[2][i] = c[2][i] + c[6][i]; a[6][i] = c[2][i] - c[6][i];
            a[3][i] = c[3][i] + c[7][i]; a[7][i] = c[3][i] - c[7][i];
        }
        for (int j = 0; j < 8; j++)
            for (int i = 0; i < FDN_STEP; i++) {
                const float f = a[j][i] * gains[j];
                w[j][t + i] = f + x[t + i];
            }
    }
    return t;
}

static void fdn_float(float *buf, Py_ssize_t n_lines, Py_ssize_t width, const long long *delays,
                      const float *gains, float ratio, const float *x, Py_ssize_t m)
{
    if (n_lines != 8) {
        fdn_any(buf, n_lines, width, delays, gains, ratio, x, m);
        return;
    }
    Py_ssize_t done = 0;
    long long shortest = delays[0];
    for (int j = 1; j < 8; j++)
        shortest = delays[j] < shortest ? delays[j] : shortest;
    if (shortest >= FDN_STEP)
        done = fdn_8_steps(buf, width, delays, gains, ratio, x, m);
    /* the rest: the columns and the input from sample done on */
    fdn_8(buf + done, n_lines, width, delays, gains, ratio, x + done, m - done);
}

/* One argument as a C-contiguous buffer of ndim dimensions; 0 and an exception on error. */
static int get_buffer(PyObject *obj, Py_buffer *view, int writable, int ndim, const char *name)
{
    int flags = PyBUF_C_CONTIGUOUS | PyBUF_FORMAT | (writable ? PyBUF_WRITABLE : 0);
    if (PyObject_GetBuffer(obj, view, flags) < 0)
        return 0;
    if (view->ndim != ndim) {
        PyErr_Format(PyExc_ValueError, "%s must have %d dimensions, not %d", name, ndim,
                     view->ndim);
        PyBuffer_Release(view);
        return 0;
    }
    return 1;
}

static PyObject *sosfilt(PyObject *self, PyObject *args)
{
    PyObject *sos_obj, *x_obj, *zi_obj;
    Py_buffer sos, x, zi;
    if (!PyArg_ParseTuple(args, "OOO:sosfilt", &sos_obj, &x_obj, &zi_obj))
        return NULL;
    if (!get_buffer(sos_obj, &sos, 0, 2, "sos"))
        return NULL;
    if (!get_buffer(x_obj, &x, 1, 2, "x")) {
        PyBuffer_Release(&sos);
        return NULL;
    }
    if (!get_buffer(zi_obj, &zi, 1, 3, "zi")) {
        PyBuffer_Release(&sos);
        PyBuffer_Release(&x);
        return NULL;
    }
    PyObject *result = NULL;
    const char *fmt = sos.format;
    const Py_ssize_t n_sections = sos.shape[0], n_signals = x.shape[0], n_samples = x.shape[1];
    if (strcmp(fmt, x.format) != 0 || strcmp(fmt, zi.format) != 0
            || !(strcmp(fmt, "f") == 0 || strcmp(fmt, "d") == 0)) {
        PyErr_Format(PyExc_TypeError, "sos, x and zi must all be float32 or all float64 "
                     "(formats %s, %s, %s)", fmt, x.format, zi.format);
    } else if (sos.shape[1] != 6 || zi.shape[0] != n_signals || zi.shape[1] != n_sections
               || zi.shape[2] != 2) {
        PyErr_SetString(PyExc_ValueError, "shapes must be sos (s, 6), x (n, m), zi (n, s, 2)");
    } else {
        Py_BEGIN_ALLOW_THREADS
        if (fmt[0] == 'f')
            sosfilt_float((const float *)sos.buf, n_sections, (float *)x.buf, n_signals,
                          n_samples, (float *)zi.buf);
        else
            sosfilt_double((const double *)sos.buf, n_sections, (double *)x.buf, n_signals,
                           n_samples, (double *)zi.buf);
        Py_END_ALLOW_THREADS
        result = Py_NewRef(Py_None);
    }
    PyBuffer_Release(&sos);
    PyBuffer_Release(&x);
    PyBuffer_Release(&zi);
    return result;
}

static PyObject *fdn(PyObject *self, PyObject *args)
{
    PyObject *buf_obj, *delays_obj, *gains_obj, *x_obj;
    float ratio;
    Py_buffer buf, delays, gains, x;
    if (!PyArg_ParseTuple(args, "OOOfO:fdn", &buf_obj, &delays_obj, &gains_obj, &ratio, &x_obj))
        return NULL;
    if (!get_buffer(buf_obj, &buf, 1, 2, "buf"))
        return NULL;
    if (!get_buffer(delays_obj, &delays, 0, 1, "delays")) {
        PyBuffer_Release(&buf);
        return NULL;
    }
    if (!get_buffer(gains_obj, &gains, 0, 1, "gains")) {
        PyBuffer_Release(&buf);
        PyBuffer_Release(&delays);
        return NULL;
    }
    if (!get_buffer(x_obj, &x, 0, 1, "x")) {
        PyBuffer_Release(&buf);
        PyBuffer_Release(&delays);
        PyBuffer_Release(&gains);
        return NULL;
    }
    PyObject *result = NULL;
    const Py_ssize_t n_lines = buf.shape[0], width = buf.shape[1], m = x.shape[0];
    const long long *d = (const long long *)delays.buf;
    int ok = strcmp(buf.format, "f") == 0 && strcmp(gains.format, "f") == 0
             && strcmp(x.format, "f") == 0 && delays.itemsize == 8
             && (strcmp(delays.format, "q") == 0 || strcmp(delays.format, "l") == 0);
    if (!ok) {
        PyErr_SetString(PyExc_TypeError, "fdn wants float32 buf, gains and x, int64 delays");
    } else if (n_lines < 1 || n_lines > MAX_LINES || (n_lines & (n_lines - 1)) != 0
               || delays.shape[0] != n_lines || gains.shape[0] != n_lines) {
        PyErr_Format(PyExc_ValueError, "fdn wants a power-of-two number of lines up to %d, "
                     "with one delay and one gain each", MAX_LINES);
    } else {
        long long longest = 0;
        for (Py_ssize_t j = 0; j < n_lines; j++) {
            if (d[j] < 1) {
                longest = -1;
                break;
            }
            if (d[j] > longest)
                longest = d[j];
        }
        if (longest < 1 || m + longest + 1 > width) {
            PyErr_SetString(PyExc_ValueError, "fdn: every delay must be >= 1 and buf must "
                            "hold m + 1 + the longest delay columns");
        } else {
            Py_BEGIN_ALLOW_THREADS
            fdn_float((float *)buf.buf, n_lines, width, d, (const float *)gains.buf, ratio,
                      (const float *)x.buf, m);
            Py_END_ALLOW_THREADS
            result = Py_NewRef(Py_None);
        }
    }
    PyBuffer_Release(&buf);
    PyBuffer_Release(&delays);
    PyBuffer_Release(&gains);
    PyBuffer_Release(&x);
    return result;
}

/* fdn_out(buf, column, weights, last, out, out_column): the reverb's stereo output from its
 * lines, mixed and brought back to the full rate in one pass. For t < m (m = the columns
 * out can take, halved) and each output k (all float32, each step rounded):
 *
 *     half = w[k, 0] * buf[0, column + t] + w[k, 1] * buf[1, column + t] + ...   (in order)
 *     out[k, out_column + 2t]     = 0.5 * (previous half + half)   (last[k] before t = 0)
 *     out[k, out_column + 2t + 1] = half
 *
 * the arithmetic of moodc.dsp.mixing.mix_rows on the lines (a product, then a product and
 * a sum per further line) and of Reverb.process's linear interpolation, without the mixed
 * rows, the shifted copy and the two strided writes. buf: (lines, width); weights:
 * (2, lines); last: (2,); out: (2, W), every one C-contiguous float32.
 */
#define FDN_OUT_CHUNK 1024

ELEMENTWISE static void fdn_out_float(const float *buf, Py_ssize_t n_lines, Py_ssize_t width,
                          Py_ssize_t column, const float *weights, const float *last,
                          float *out, Py_ssize_t out_width, Py_ssize_t out_column, Py_ssize_t m)
{
    float half[FDN_OUT_CHUNK];
    for (Py_ssize_t k = 0; k < 2; k++) {
        const float *w = weights + k * n_lines;
        float *row = out + k * out_width + out_column;
        float prev = last[k];
        for (Py_ssize_t t0 = 0; t0 < m; t0 += FDN_OUT_CHUNK) {
            const Py_ssize_t c = m - t0 < FDN_OUT_CHUNK ? m - t0 : FDN_OUT_CHUNK;
            const float *restrict line = buf + column + t0;
            float *restrict h = half;
            const float w0 = w[0];
            for (Py_ssize_t j = 0; j < c; j++) /* vectorised: element-wise */
                h[j] = w0 * line[j];
            for (Py_ssize_t i = 1; i < n_lines; i++) {
                const float *restrict other = buf + i * width + column + t0;
                const float wi = w[i];
                for (Py_ssize_t j = 0; j < c; j++)
                    h[j] = h[j] + wi * other[j];
            }
            float *restrict pair = row + 2 * t0;
            for (Py_ssize_t j = 0; j < c; j++) {
                pair[2 * j] = 0.5f * (prev + h[j]);
                pair[2 * j + 1] = h[j];
                prev = h[j];
            }
        }
    }
}

static PyObject *fdn_out(PyObject *self, PyObject *args)
{
    PyObject *buf_obj, *weights_obj, *last_obj, *out_obj;
    Py_ssize_t column, out_column;
    Py_buffer buf, weights, last, out;
    if (!PyArg_ParseTuple(args, "OnOOOn:fdn_out", &buf_obj, &column, &weights_obj, &last_obj,
                          &out_obj, &out_column))
        return NULL;
    if (!get_buffer(buf_obj, &buf, 0, 2, "buf"))
        return NULL;
    if (!get_buffer(weights_obj, &weights, 0, 2, "weights")) {
        PyBuffer_Release(&buf);
        return NULL;
    }
    if (!get_buffer(last_obj, &last, 0, 1, "last")) {
        PyBuffer_Release(&buf);
        PyBuffer_Release(&weights);
        return NULL;
    }
    if (!get_buffer(out_obj, &out, 1, 2, "out")) {
        PyBuffer_Release(&buf);
        PyBuffer_Release(&weights);
        PyBuffer_Release(&last);
        return NULL;
    }
    PyObject *result = NULL;
    const Py_ssize_t n_lines = buf.shape[0], width = buf.shape[1], out_width = out.shape[1];
    const Py_ssize_t m = out_column >= 0 ? (out_width - out_column) / 2 : 0;
    if (strcmp(buf.format, "f") != 0 || strcmp(weights.format, "f") != 0
        || strcmp(last.format, "f") != 0 || strcmp(out.format, "f") != 0) {
        PyErr_SetString(PyExc_TypeError, "fdn_out wants float32 buf, weights, last and out");
    } else if (n_lines < 1 || weights.shape[0] != 2 || weights.shape[1] != n_lines
               || last.shape[0] != 2 || out.shape[0] != 2 || out_column < 0
               || (out_width - out_column) % 2 != 0 || column < 0 || column + m > width) {
        PyErr_SetString(PyExc_ValueError, "fdn_out wants weights (2, lines), last (2,), out "
                        "(2, out_column + 2m) and buf holding column + m columns");
    } else {
        Py_BEGIN_ALLOW_THREADS
        fdn_out_float((const float *)buf.buf, n_lines, width, column,
                      (const float *)weights.buf, (const float *)last.buf, (float *)out.buf,
                      out_width, out_column, m);
        Py_END_ALLOW_THREADS
        result = Py_NewRef(Py_None);
    }
    PyBuffer_Release(&buf);
    PyBuffer_Release(&weights);
    PyBuffer_Release(&last);
    PyBuffer_Release(&out);
    return result;
}

/* add_scaled(out, offset, seg, gain_l, gain_r): add one note's samples into a block,
 *
 *     out[0, offset + j] += gain_l * seg[j];   out[1, offset + j] += gain_r * seg[j]
 *
 * numpy's `out[:, o:o + m] += gains * seg` with gains (2, 1): the same float32 product,
 * rounded, then the same float32 sum, in one pass over the samples instead of a temporary
 * product and a second pass. out: (2, n) C-contiguous float32, written in place; seg: (m,)
 * C-contiguous float32, offset + m <= n. The block renderer's most-run loop.
 */
static void add_channel(float *restrict channel, const float *restrict seg, Py_ssize_t m,
                        float gain)
{
    for (Py_ssize_t j = 0; j < m; j++) /* vectorised: element-wise, no reassociation */
        channel[j] = channel[j] + gain * seg[j];
}

static void add_scaled_float(float *out, Py_ssize_t n, Py_ssize_t offset, const float *seg,
                             Py_ssize_t m, float gain_l, float gain_r)
{
    add_channel(out + offset, seg, m, gain_l);
    add_channel(out + n + offset, seg, m, gain_r);
}

/* scale_by_curve(row, values, offset, control_n): multiply row in place by the curve that
 * is linear between control points `values` (float64, one every control_n samples),
 * starting `offset` samples after the first point:
 *
 *     v = float32(values);  curve[k*control_n + r] = v[k] + (v[k+1] - v[k]) * (r / control_n)
 *     row[j] *= curve[offset + j]
 *
 * the arithmetic of moodc.synth.engine's former numpy `_interp_control` and `buf *= curve`
 * (float32, each step rounded), without the temporary curve. row: (n,) C-contiguous
 * float32; offset + n <= (len(values) - 1) * control_n.
 */
ELEMENTWISE static void scale_by_curve_float(float *row, Py_ssize_t n, const double *values,
                                 Py_ssize_t offset, Py_ssize_t control_n, float *ramp)
{
    for (Py_ssize_t r = 0; r < control_n; r++)
        ramp[r] = (float)r / (float)control_n;
    Py_ssize_t j = 0;
    while (j < n) {
        const Py_ssize_t at = offset + j, k = at / control_n, r = at % control_n;
        const float v0 = (float)values[k], v1 = (float)values[k + 1];
        const float step = v1 - v0;
        const Py_ssize_t run = control_n - r < n - j ? control_n - r : n - j;
        float *restrict out = row + j;
        const float *restrict from = ramp + r;
        for (Py_ssize_t i = 0; i < run; i++) /* vectorised: element-wise */
            out[i] = out[i] * (v0 + step * from[i]);
        j += run;
    }
}

static PyObject *add_scaled(PyObject *self, PyObject *args)
{
    PyObject *out_obj, *seg_obj;
    Py_ssize_t offset;
    float gain_l, gain_r;
    Py_buffer out, seg;
    if (!PyArg_ParseTuple(args, "OnOff:add_scaled", &out_obj, &offset, &seg_obj, &gain_l,
                          &gain_r))
        return NULL;
    if (!get_buffer(out_obj, &out, 1, 2, "out"))
        return NULL;
    if (!get_buffer(seg_obj, &seg, 0, 1, "seg")) {
        PyBuffer_Release(&out);
        return NULL;
    }
    PyObject *result = NULL;
    const Py_ssize_t n = out.shape[1], m = seg.shape[0];
    if (strcmp(out.format, "f") != 0 || strcmp(seg.format, "f") != 0) {
        PyErr_Format(PyExc_TypeError, "add_scaled wants float32 out and seg (formats %s, %s)",
                     out.format, seg.format);
    } else if (out.shape[0] != 2 || offset < 0 || offset + m > n) {
        PyErr_SetString(PyExc_ValueError, "add_scaled wants out (2, n) and "
                        "0 <= offset <= n - len(seg)");
    } else {
        if (m > 0) {
            Py_BEGIN_ALLOW_THREADS
            add_scaled_float((float *)out.buf, n, offset, (const float *)seg.buf, m, gain_l,
                             gain_r);
            Py_END_ALLOW_THREADS
        }
        result = Py_NewRef(Py_None);
    }
    PyBuffer_Release(&out);
    PyBuffer_Release(&seg);
    return result;
}

#define MAX_CONTROL_N 4096

static PyObject *scale_by_curve(PyObject *self, PyObject *args)
{
    PyObject *row_obj, *values_obj;
    Py_ssize_t offset, control_n;
    Py_buffer row, values;
    if (!PyArg_ParseTuple(args, "OOnn:scale_by_curve", &row_obj, &values_obj, &offset,
                          &control_n))
        return NULL;
    if (!get_buffer(row_obj, &row, 1, 1, "row"))
        return NULL;
    if (!get_buffer(values_obj, &values, 0, 1, "values")) {
        PyBuffer_Release(&row);
        return NULL;
    }
    PyObject *result = NULL;
    const Py_ssize_t n = row.shape[0], k = values.shape[0];
    if (strcmp(row.format, "f") != 0 || strcmp(values.format, "d") != 0) {
        PyErr_Format(PyExc_TypeError, "scale_by_curve wants a float32 row and float64 values "
                     "(formats %s, %s)", row.format, values.format);
    } else if (control_n < 1 || control_n > MAX_CONTROL_N || offset < 0 || k < 2
               || offset + n > (k - 1) * control_n) {
        PyErr_Format(PyExc_ValueError, "scale_by_curve wants 1 <= control_n <= %d, at least "
                     "two values and 0 <= offset <= (len(values) - 1) * control_n - len(row)",
                     MAX_CONTROL_N);
    } else {
        float ramp[MAX_CONTROL_N];
        Py_BEGIN_ALLOW_THREADS
        scale_by_curve_float((float *)row.buf, n, (const double *)values.buf, offset,
                             control_n, ramp);
        Py_END_ALLOW_THREADS
        result = Py_NewRef(Py_None);
    }
    PyBuffer_Release(&row);
    PyBuffer_Release(&values);
    return result;
}

/* premix(stack, weights, out): a block's dry mix and effect sends from its layers,
 *
 *     out[c]     = ((0 + stack[0, c]) + stack[1, c]) + ...                  (c = 0, 1)
 *     out[2 + r] = w[r, 0] * (stack[0, 0] + stack[0, 1]) + w[r, 1] * (...) + ...
 *
 * each sum taken left to right and every product and sum rounded to float32: the arithmetic
 * of numpy's `stack.sum(axis=0)` (a reduction over the outer axis adds the rows in order)
 * and of moodc.dsp.mixing.mix_rows on the layers' mono sums. One pass over the layers in
 * cache-sized chunks, instead of a reduction, a mono sum per layer and two passes per layer
 * and send. stack: (layers, 2, n), weights: (sends, layers), out: (2 + sends, n), all
 * C-contiguous float32; no layers gives zeros.
 */
#define PREMIX_CHUNK 1024

ELEMENTWISE static void premix_float(const float *stack, Py_ssize_t n_layers, Py_ssize_t n,
                         const float *weights, Py_ssize_t n_sends, float *out)
{
    float mono[PREMIX_CHUNK];
    for (Py_ssize_t j0 = 0; j0 < n; j0 += PREMIX_CHUNK) {
        const Py_ssize_t m = n - j0 < PREMIX_CHUNK ? n - j0 : PREMIX_CHUNK;
        for (Py_ssize_t c = 0; c < 2; c++) {
            float *restrict dry = out + c * n + j0;
            for (Py_ssize_t j = 0; j < m; j++) /* numpy's reduction starts from 0: -0 + 0 = +0 */
                dry[j] = 0.0f;
            for (Py_ssize_t i = 0; i < n_layers; i++) {
                const float *restrict layer = stack + (2 * i + c) * n + j0;
                for (Py_ssize_t j = 0; j < m; j++)
                    dry[j] = dry[j] + layer[j];
            }
        }
        if (n_layers == 0) {
            for (Py_ssize_t r = 0; r < n_sends; r++)
                for (Py_ssize_t j = 0; j < m; j++)
                    out[(2 + r) * n + j0 + j] = 0.0f;
            continue;
        }
        for (Py_ssize_t i = 0; i < n_layers; i++) { /* each send sums the layers in order */
            const float *restrict left = stack + 2 * i * n + j0, *restrict right = left + n;
            float *restrict sum = mono;
            for (Py_ssize_t j = 0; j < m; j++)
                sum[j] = left[j] + right[j];
            for (Py_ssize_t r = 0; r < n_sends; r++) {
                float *restrict send = out + (2 + r) * n + j0;
                const float w = weights[r * n_layers + i];
                if (i == 0)
                    for (Py_ssize_t j = 0; j < m; j++)
                        send[j] = w * sum[j];
                else
                    for (Py_ssize_t j = 0; j < m; j++)
                        send[j] = send[j] + w * sum[j];
            }
        }
    }
}

/* add_notes(out, offsets, segs, gains_l, gains_r): add_scaled for many notes at once,
 *
 *     for i in order: out[:, offsets[i]:offsets[i] + len(segs[i])] += [[gl[i]], [gr[i]]] * segs[i]
 *
 * walking the block in chunks that stay in the L1 cache, each chunk taking every note that
 * overlaps it in the given order: every sample receives the same sums in the same order as
 * one add_scaled call per note, but the block is read and written once instead of once per
 * note (a 2 s stereo block is 700 kB; a layer often holds ten long notes). With zero_first
 * (optional, false by default) out is taken as +0.0 first: np.zeros then the notes, without
 * a separate pass over the block to clear it; each chunk's first note writes its samples as
 * sums onto +0.0 (0.0f + product) without reading them, and only the rest of the chunk is
 * cleared (a memset under every layer was ~1.5 % of a render's samples). Within a chunk,
 * up to NOTES_FUSED consecutive notes that share samples are added in one pass over the
 * shared stretch: each sample is loaded once, takes the group's products and sums in note
 * order in a register (the same roundings in the same order), and is stored once; each
 * seg is read once for both channels. A layer of sunny-morning averages thirteen notes per
 * block; groups of two to four cover ~87 % of the samples added (of four, ~68 %): the
 * kernel went 0.27 -> 0.20 ns per note-sample and channel on a replay of the render's own
 * calls (measured). What is left is mostly reading the segs (a few MB per block, from L3
 * or memory).
 */
/* 1024 floats: a chunk's two channels and a group's four segs (24 kB) stay in L1 (1024 was
 * ~5 % faster than 2048 and 512 on the replay) */
#define NOTES_CHUNK 1024
/* at most this many notes are added in one pass over the samples they share */
#define NOTES_FUSED 4

typedef struct {
    Py_buffer view;
    Py_ssize_t offset;
    float gain_l, gain_r;
} NoteItem;

/* One note into out[a, b) (both channels), seg already at a: one read of seg per sample.
 * With fresh, out's samples are taken as np.zeros' +0.0 without being read (the chunk's first
 * note writes them: 0.0f + x is x, or +0.0 for x = -0.0, as the sum onto a zeroed block). */
INLINE_LOOP void add_one(float *restrict left, float *restrict right,
                           const float *restrict seg, Py_ssize_t m, float gain_l,
                           float gain_r, const int fresh)
{
    if (fresh)
        for (Py_ssize_t j = 0; j < m; j++) {
            left[j] = 0.0f + gain_l * seg[j];
            right[j] = 0.0f + gain_r * seg[j];
        }
    else
        for (Py_ssize_t j = 0; j < m; j++) {
            left[j] = left[j] + gain_l * seg[j];
            right[j] = right[j] + gain_r * seg[j];
        }
}

/* a fused sum's start: +0.0 for a fresh chunk, else the sample (fresh is a constant in
 * every inlined copy, so each loop has one form) */
#define LEFT0 (fresh ? 0.0f : left[j])
#define RIGHT0 (fresh ? 0.0f : right[j])

/* Notes g[0..k) (k = 2..NOTES_FUSED, in order) over samples they all cover: each sample
 * takes their sums one after another, in order, in a register, then is stored once. With
 * fresh, the sums start from +0.0 rather than from out (see add_one). */
INLINE_LOOP void add_fused_from(float *restrict left, float *restrict right, Py_ssize_t m,
                                  const float *const *s, const float *gl, const float *gr,
                                  int k, const int fresh)
{
    const float *restrict s0 = s[0], *restrict s1 = s[1];
    const float l0 = gl[0], l1 = gl[1], r0 = gr[0], r1 = gr[1];
    if (k == 2) {
        for (Py_ssize_t j = 0; j < m; j++) {
            left[j] = (LEFT0 + l0 * s0[j]) + l1 * s1[j];
            right[j] = (RIGHT0 + r0 * s0[j]) + r1 * s1[j];
        }
        return;
    }
    const float *restrict s2 = s[2];
    const float l2 = gl[2], r2 = gr[2];
    if (k == 3) {
        for (Py_ssize_t j = 0; j < m; j++) {
            left[j] = ((LEFT0 + l0 * s0[j]) + l1 * s1[j]) + l2 * s2[j];
            right[j] = ((RIGHT0 + r0 * s0[j]) + r1 * s1[j]) + r2 * s2[j];
        }
        return;
    }
    const float *restrict s3 = s[3];
    const float l3 = gl[3], r3 = gr[3];
    for (Py_ssize_t j = 0; j < m; j++) {
        left[j] = (((LEFT0 + l0 * s0[j]) + l1 * s1[j]) + l2 * s2[j]) + l3 * s3[j];
        right[j] = (((RIGHT0 + r0 * s0[j]) + r1 * s1[j]) + r2 * s2[j]) + r3 * s3[j];
    }
}

#undef LEFT0
#undef RIGHT0

/* The group's notes into the chunk (see add_notes_float); with fresh, the group is the
 * chunk's first and its first note writes its samples instead of adding to them. */
INLINE_LOOP void add_group(float *out, Py_ssize_t n, const NoteItem *const *group,
                           const Py_ssize_t *a, const Py_ssize_t *b, Py_ssize_t c,
                           Py_ssize_t d, int k, const int fresh)
{
    /* each note's samples outside [c, d) alone, in order (for a group of one, all of
     * them); the group's shared [c, d) in one pass. A sample outside [c, d) gets its
     * group's sums in note order either way, and one inside gets them all in order in the
     * fused pass */
    const float *s[NOTES_FUSED];
    float gl[NOTES_FUSED], gr[NOTES_FUSED];
    for (int g = 0; g < k; g++) {
        const NoteItem *it = group[g];
        const float *seg = (const float *)it->view.buf;
        s[g] = seg + (c - it->offset);
        gl[g] = it->gain_l;
        gr[g] = it->gain_r;
        /* the first note is the first to reach every sample of [a[0], b[0]) */
        const int first = fresh && g == 0;
        if (k == 1) {
            if (first)
                add_one(out + a[g], out + n + a[g], seg + (a[g] - it->offset), b[g] - a[g],
                        gl[g], gr[g], 1);
            else
                add_one(out + a[g], out + n + a[g], seg + (a[g] - it->offset), b[g] - a[g],
                        gl[g], gr[g], 0);
            continue;
        }
        if (a[g] < c) {
            if (first)
                add_one(out + a[g], out + n + a[g], seg + (a[g] - it->offset), c - a[g],
                        gl[g], gr[g], 1);
            else
                add_one(out + a[g], out + n + a[g], seg + (a[g] - it->offset), c - a[g],
                        gl[g], gr[g], 0);
        }
        if (d < b[g]) {
            if (first)
                add_one(out + d, out + n + d, seg + (d - it->offset), b[g] - d, gl[g], gr[g],
                        1);
            else
                add_one(out + d, out + n + d, seg + (d - it->offset), b[g] - d, gl[g], gr[g],
                        0);
        }
    }
    if (k > 1) {
        if (fresh)
            add_fused_from(out + c, out + n + c, d - c, s, gl, gr, k, 1);
        else
            add_fused_from(out + c, out + n + c, d - c, s, gl, gr, k, 0);
    }
}

/* np.zeros' +0.0 in out[lo, hi) of both channels */
INLINE_LOOP void zero_span(float *out, Py_ssize_t n, Py_ssize_t lo, Py_ssize_t hi)
{
    for (Py_ssize_t j = lo; j < hi; j++) {
        out[j] = 0.0f;
        out[n + j] = 0.0f;
    }
}

ELEMENTWISE static void add_notes_float(float *out, Py_ssize_t n, const NoteItem *items,
                                        Py_ssize_t count, int zero_first)
{
    for (Py_ssize_t j0 = 0; j0 < n; j0 += NOTES_CHUNK) {
        const Py_ssize_t j1 = n - j0 < NOTES_CHUNK ? n : j0 + NOTES_CHUNK;
        /* with zero_first the chunk is not cleared first: its first note writes its samples
         * (as a sum onto +0.0) and only the rest of the chunk is cleared, while the chunk is
         * in the cache */
        int fresh = zero_first;
        Py_ssize_t i = 0;
        while (i < count) {
            /* the next notes (up to NOTES_FUSED, in order) in this chunk that share samples */
            const NoteItem *group[NOTES_FUSED];
            Py_ssize_t a[NOTES_FUSED], b[NOTES_FUSED], c = j0, d = j1;
            int k = 0;
            for (; i < count && k < NOTES_FUSED; i++) {
                const NoteItem *it = items + i;
                const Py_ssize_t lo = it->offset > j0 ? it->offset : j0;
                const Py_ssize_t hi = it->offset + it->view.shape[0] < j1
                                      ? it->offset + it->view.shape[0] : j1;
                if (lo >= hi)
                    continue;
                const Py_ssize_t c2 = lo > c ? lo : c, d2 = hi < d ? hi : d;
                if (k > 0 && c2 >= d2)
                    break; /* shares nothing with the group: it starts the next one */
                group[k] = it;
                a[k] = lo;
                b[k] = hi;
                c = c2;
                d = d2;
                k++;
            }
            if (k == 0)
                break; /* no note left in this chunk */
            if (fresh) {
                /* the first note covers [a[0], b[0]); the rest of the chunk is +0.0 */
                zero_span(out, n, j0, a[0]);
                zero_span(out, n, b[0], j1);
                add_group(out, n, group, a, b, c, d, k, 1);
                fresh = 0;
            } else {
                add_group(out, n, group, a, b, c, d, k, 0);
            }
        }
        if (fresh) /* no note reaches this chunk */
            zero_span(out, n, j0, j1);
    }
}

static PyObject *add_notes(PyObject *self, PyObject *args)
{
    PyObject *out_obj, *offsets, *segs, *gains_l, *gains_r;
    int zero_first = 0;
    Py_buffer out;
    if (!PyArg_ParseTuple(args, "OO!O!O!O!|p:add_notes", &out_obj, &PyList_Type, &offsets,
                          &PyList_Type, &segs, &PyList_Type, &gains_l, &PyList_Type, &gains_r,
                          &zero_first))
        return NULL;
    const Py_ssize_t count = PyList_GET_SIZE(offsets);
    if (PyList_GET_SIZE(segs) != count || PyList_GET_SIZE(gains_l) != count
            || PyList_GET_SIZE(gains_r) != count) {
        PyErr_SetString(PyExc_ValueError, "add_notes wants offsets, segs, gains_l and gains_r "
                        "of one length");
        return NULL;
    }
    if (!get_buffer(out_obj, &out, 1, 2, "out"))
        return NULL;
    if (strcmp(out.format, "f") != 0 || out.shape[0] != 2) {
        PyErr_SetString(PyExc_TypeError, "add_notes wants a float32 out of shape (2, n)");
        PyBuffer_Release(&out);
        return NULL;
    }
    const Py_ssize_t n = out.shape[1];
    NoteItem *items = PyMem_Calloc(count ? count : 1, sizeof(NoteItem));
    if (items == NULL) {
        PyBuffer_Release(&out);
        return PyErr_NoMemory();
    }
    Py_ssize_t held = 0;
    PyObject *result = NULL;
    for (; held < count; held++) {
        NoteItem *it = items + held;
        it->offset = PyLong_AsSsize_t(PyList_GET_ITEM(offsets, held));
        const double gl = PyFloat_AsDouble(PyList_GET_ITEM(gains_l, held));
        const double gr = PyFloat_AsDouble(PyList_GET_ITEM(gains_r, held));
        if (PyErr_Occurred())
            goto done;
        it->gain_l = (float)gl;
        it->gain_r = (float)gr;
        if (!get_buffer(PyList_GET_ITEM(segs, held), &it->view, 0, 1, "seg"))
            goto done;
        if (strcmp(it->view.format, "f") != 0) {
            PyErr_Format(PyExc_TypeError, "add_notes wants float32 segs (format %s)",
                         it->view.format);
            held++;
            goto done;
        }
        if (it->offset < 0 || it->offset + it->view.shape[0] > n) {
            PyErr_SetString(PyExc_ValueError, "add_notes wants 0 <= offset <= n - len(seg)");
            held++;
            goto done;
        }
    }
    Py_BEGIN_ALLOW_THREADS
    add_notes_float((float *)out.buf, n, items, count, zero_first);
    Py_END_ALLOW_THREADS
    result = Py_NewRef(Py_None);
done:
    for (Py_ssize_t i = 0; i < held; i++)
        PyBuffer_Release(&items[i].view);
    PyMem_Free(items);
    PyBuffer_Release(&out);
    return result;
}

static PyObject *premix(PyObject *self, PyObject *args)
{
    PyObject *stack_obj, *weights_obj, *out_obj;
    Py_buffer stack, weights, out;
    if (!PyArg_ParseTuple(args, "OOO:premix", &stack_obj, &weights_obj, &out_obj))
        return NULL;
    if (!get_buffer(stack_obj, &stack, 0, 3, "stack"))
        return NULL;
    if (!get_buffer(weights_obj, &weights, 0, 2, "weights")) {
        PyBuffer_Release(&stack);
        return NULL;
    }
    if (!get_buffer(out_obj, &out, 1, 2, "out")) {
        PyBuffer_Release(&stack);
        PyBuffer_Release(&weights);
        return NULL;
    }
    PyObject *result = NULL;
    const Py_ssize_t n_layers = stack.shape[0], n = stack.shape[2], n_sends = weights.shape[0];
    if (strcmp(stack.format, "f") != 0 || strcmp(weights.format, "f") != 0
            || strcmp(out.format, "f") != 0) {
        PyErr_SetString(PyExc_TypeError, "premix wants float32 stack, weights and out");
    } else if (stack.shape[1] != 2 || weights.shape[1] != n_layers
               || out.shape[0] != 2 + n_sends || out.shape[1] != n) {
        PyErr_SetString(PyExc_ValueError, "premix wants stack (layers, 2, n), weights "
                        "(sends, layers) and out (2 + sends, n)");
    } else {
        Py_BEGIN_ALLOW_THREADS
        premix_float((const float *)stack.buf, n_layers, n, (const float *)weights.buf,
                     n_sends, (float *)out.buf);
        Py_END_ALLOW_THREADS
        result = Py_NewRef(Py_None);
    }
    PyBuffer_Release(&stack);
    PyBuffer_Release(&weights);
    PyBuffer_Release(&out);
    return result;
}

/* wavetable_add(out, table, base, inc, shift, start, control_n, gain): one voice of an
 * additive tone read from its single-cycle table and added into out (m,), in place:
 *
 *     phase    = base[k] + r * inc[k]          (uint32, wrapping; k*control_n + r = start + i)
 *     out[i]  += gain * table[phase >> shift]
 *
 * the arithmetic of the numpy path (tests/helpers/reference.py; phase_block: integer rows of a
 * control plan; read_table: nearest sample; then `out += gain * values`, a float32 product
 * and a float32 sum), without the int64 indices and float32 values it made per block.
 * out, table: C-contiguous float32; base, inc: uint32, one entry per control period.
 */
static void wavetable_add_float(float *restrict out, Py_ssize_t m, const float *restrict table,
                                const uint32_t *base, const uint32_t *inc, unsigned shift,
                                Py_ssize_t start, Py_ssize_t control_n, float gain)
{
    Py_ssize_t i = 0;
    while (i < m) {
        const Py_ssize_t at = start + i, k = at / control_n, r = at % control_n;
        const Py_ssize_t run = control_n - r < m - i ? control_n - r : m - i;
        const uint32_t step = inc[k];
        uint32_t phase = base[k] + (uint32_t)r * step;
        float *restrict dst = out + i;
        for (Py_ssize_t j = 0; j < run; j++) {
            const float value = table[phase >> shift];
            const float scaled = gain * value;
            dst[j] = dst[j] + scaled;
            phase += step;
        }
        i += run;
    }
}

static PyObject *wavetable_add(PyObject *self, PyObject *args)
{
    PyObject *out_obj, *table_obj, *base_obj, *inc_obj;
    unsigned int shift;
    Py_ssize_t start, control_n;
    float gain;
    Py_buffer out, table, base, inc;
    if (!PyArg_ParseTuple(args, "OOOOInnf:wavetable_add", &out_obj, &table_obj, &base_obj,
                          &inc_obj, &shift, &start, &control_n, &gain))
        return NULL;
    if (!get_buffer(out_obj, &out, 1, 1, "out"))
        return NULL;
    if (!get_buffer(table_obj, &table, 0, 1, "table")) {
        PyBuffer_Release(&out);
        return NULL;
    }
    if (!get_buffer(base_obj, &base, 0, 1, "base")) {
        PyBuffer_Release(&out);
        PyBuffer_Release(&table);
        return NULL;
    }
    if (!get_buffer(inc_obj, &inc, 0, 1, "inc")) {
        PyBuffer_Release(&out);
        PyBuffer_Release(&table);
        PyBuffer_Release(&base);
        return NULL;
    }
    PyObject *result = NULL;
    const Py_ssize_t m = out.shape[0], n_table = table.shape[0], n_ctrl = base.shape[0];
    if (strcmp(out.format, "f") != 0 || strcmp(table.format, "f") != 0
            || base.itemsize != 4 || inc.itemsize != 4 || strcmp(base.format, "I") != 0
            || strcmp(inc.format, "I") != 0) {
        PyErr_Format(PyExc_TypeError, "wavetable_add wants float32 out and table and uint32 "
                     "base and inc (formats %s, %s, %s, %s)", out.format, table.format,
                     base.format, inc.format);
    } else if (shift > 31 || n_table <= (Py_ssize_t)(0xFFFFFFFFu >> shift)) {
        PyErr_Format(PyExc_ValueError, "wavetable_add: a table of %zd samples is too short "
                     "for phases shifted right by %u (it needs 2**(32 - shift))", n_table,
                     shift);
    } else if (control_n < 1 || start < 0 || inc.shape[0] != n_ctrl
               || (m > 0 && (start + m - 1) / control_n >= n_ctrl)) {
        PyErr_SetString(PyExc_ValueError, "wavetable_add wants control_n >= 1, start >= 0, "
                        "base and inc of one length, covering samples start .. start + "
                        "len(out) - 1");
    } else {
        Py_BEGIN_ALLOW_THREADS
        wavetable_add_float((float *)out.buf, m, (const float *)table.buf,
                            (const uint32_t *)base.buf, (const uint32_t *)inc.buf, shift,
                            start, control_n, gain);
        Py_END_ALLOW_THREADS
        result = Py_NewRef(Py_None);
    }
    PyBuffer_Release(&out);
    PyBuffer_Release(&table);
    PyBuffer_Release(&base);
    PyBuffer_Release(&inc);
    return result;
}

/* sine_curve_mix(out_a, out_b, table, base, inc, shift, values, offset, control_n, gain_a,
 * gain_b): one shimmer partial, a table-read sine under a slow curve, added into two rows,
 *
 *     phase    = base + j * inc                           (uint32, wrapping)
 *     sine     = 0 + 1 * table[phase >> shift]            (wavetable_add onto zeros)
 *     tone     = sine * curve[offset + j]                 (scale_by_curve's line)
 *     out_a[j] = out_a[j] + tone * gain_a;  out_b[j] = out_b[j] + tone * gain_b   (mix_in)
 *
 * each product and sum rounded to float32 in that order: the floats of
 * moodc.synth.texture's former partial (a zeroed tone, wavetable_add with one control period
 * and gain 1, scale_by_curve, two mix_in), which were five passes and a temporary per
 * partial. out_a, out_b: (m,) float32, distinct; table float32; values float64, one every
 * control_n samples, offset + m <= (len(values) - 1) * control_n; all C-contiguous.
 */
ELEMENTWISE static void sine_curve_mix_float(float *restrict out_a, float *restrict out_b,
                                             Py_ssize_t m, const float *restrict table,
                                             uint32_t base, uint32_t inc, unsigned shift,
                                             const double *values, Py_ssize_t offset,
                                             Py_ssize_t control_n, float gain_a, float gain_b,
                                             float *ramp)
{
    for (Py_ssize_t r = 0; r < control_n; r++)
        ramp[r] = (float)r / (float)control_n;
    uint32_t phase = base;
    Py_ssize_t j = 0;
    while (j < m) {
        const Py_ssize_t at = offset + j, k = at / control_n, r = at % control_n;
        const float v0 = (float)values[k], v1 = (float)values[k + 1];
        const float step = v1 - v0;
        const Py_ssize_t run = control_n - r < m - j ? control_n - r : m - j;
        for (Py_ssize_t i = 0; i < run; i++) {
            const float sine = 0.0f + 1.0f * table[phase >> shift];
            const float tone = sine * (v0 + step * ramp[r + i]);
            out_a[j + i] = out_a[j + i] + tone * gain_a;
            out_b[j + i] = out_b[j + i] + tone * gain_b;
            phase += inc;
        }
        j += run;
    }
}

static PyObject *sine_curve_mix(PyObject *self, PyObject *args)
{
    PyObject *objs[4];
    static const char *names[4] = {"out_a", "out_b", "table", "values"};
    unsigned long long base, inc;
    unsigned int shift;
    Py_ssize_t offset, control_n;
    float gain_a, gain_b;
    if (!PyArg_ParseTuple(args, "OOOKKIOnnff:sine_curve_mix", &objs[0], &objs[1], &objs[2],
                          &base, &inc, &shift, &objs[3], &offset, &control_n, &gain_a,
                          &gain_b))
        return NULL;
    Py_buffer views[4];
    int n_views = 0;
    for (; n_views < 4; n_views++)
        if (!get_buffer(objs[n_views], &views[n_views], n_views < 2, 1, names[n_views]))
            break;
    PyObject *result = NULL;
    if (n_views == 4) {
        const Py_ssize_t m = views[0].shape[0], n_table = views[2].shape[0];
        const Py_ssize_t n_values = views[3].shape[0];
        if (strcmp(views[0].format, "f") != 0 || strcmp(views[1].format, "f") != 0
            || strcmp(views[2].format, "f") != 0 || strcmp(views[3].format, "d") != 0) {
            PyErr_SetString(PyExc_TypeError, "sine_curve_mix wants float32 rows and table "
                                             "and float64 values");
        } else if (views[1].shape[0] != m || (m > 0 && views[0].buf == views[1].buf)) {
            PyErr_SetString(PyExc_ValueError, "sine_curve_mix wants two distinct rows of one "
                                              "length");
        } else if (base > 0xFFFFFFFFull || inc > 0xFFFFFFFFull || shift > 31
                   || n_table <= (Py_ssize_t)(0xFFFFFFFFu >> shift)) {
            PyErr_Format(PyExc_ValueError, "sine_curve_mix wants 32-bit base and inc and a "
                         "table of 2**(32 - shift) samples (%zd samples, shift %u)", n_table,
                         shift);
        } else if (control_n < 1 || control_n > MAX_CONTROL_N || offset < 0
                   || (m > 0 && offset + m > (n_values - 1) * control_n)) {
            PyErr_Format(PyExc_ValueError, "sine_curve_mix wants 1 <= control_n <= %d, "
                         "offset >= 0 and values covering offset .. offset + len(out_a)",
                         MAX_CONTROL_N);
        } else {
            float ramp[MAX_CONTROL_N];
            Py_BEGIN_ALLOW_THREADS
            sine_curve_mix_float((float *)views[0].buf, (float *)views[1].buf, m,
                                 (const float *)views[2].buf, (uint32_t)base, (uint32_t)inc,
                                 shift, (const double *)views[3].buf, offset, control_n,
                                 gain_a, gain_b, ramp);
            Py_END_ALLOW_THREADS
            result = Py_NewRef(Py_None);
        }
    }
    for (int i = 0; i < n_views; i++)
        PyBuffer_Release(&views[i]);
    return result;
}

/* ks_loop(y, taps, delay, start, stop): the Karplus-Strong string's loop, in place,
 *
 *     y[i] = ((taps[0]*y[i-delay] + taps[1]*y[i-delay-1]) + taps[2]*y[i-delay-2]) + ...
 *
 * for start <= i < stop, every product and sum rounded to float32 in that order: the
 * arithmetic of moodc.synth.oscillators' numpy loop, which went `delay` samples at a time
 * (a chunk reads only samples before it, so every read here sees the same final value).
 * y, taps: C-contiguous float32; start - delay - (len(taps) - 1) >= 0, stop <= len(y).
 */
static void ks_loop_float(float *y, const float *taps, Py_ssize_t n_taps, Py_ssize_t delay,
                          Py_ssize_t start, Py_ssize_t stop)
{
    for (Py_ssize_t i = start; i < stop; i++) {
        const float *back = y + i - delay;
        float acc = taps[0] * back[0];
        for (Py_ssize_t j = 1; j < n_taps; j++) {
            const float term = taps[j] * back[-j];
            acc = acc + term;
        }
        y[i] = acc;
    }
}

static PyObject *ks_loop(PyObject *self, PyObject *args)
{
    PyObject *y_obj, *taps_obj;
    Py_ssize_t delay, start, stop;
    Py_buffer y, taps;
    if (!PyArg_ParseTuple(args, "OOnnn:ks_loop", &y_obj, &taps_obj, &delay, &start, &stop))
        return NULL;
    if (!get_buffer(y_obj, &y, 1, 1, "y"))
        return NULL;
    if (!get_buffer(taps_obj, &taps, 0, 1, "taps")) {
        PyBuffer_Release(&y);
        return NULL;
    }
    PyObject *result = NULL;
    const Py_ssize_t n = y.shape[0], n_taps = taps.shape[0];
    if (strcmp(y.format, "f") != 0 || strcmp(taps.format, "f") != 0) {
        PyErr_Format(PyExc_TypeError, "ks_loop wants float32 y and taps (formats %s, %s)",
                     y.format, taps.format);
    } else if (n_taps < 1 || delay < 1 || stop > n
               || (start < stop && start - delay - (n_taps - 1) < 0)) {
        PyErr_Format(PyExc_ValueError, "ks_loop wants at least one tap, delay >= 1, stop <= "
                     "len(y) = %zd and start >= delay + len(taps) - 1 (got delay %zd, %zd "
                     "taps, start %zd, stop %zd)", n, delay, n_taps, start, stop);
    } else {
        Py_BEGIN_ALLOW_THREADS
        ks_loop_float((float *)y.buf, (const float *)taps.buf, n_taps, delay, start, stop);
        Py_END_ALLOW_THREADS
        result = Py_NewRef(Py_None);
    }
    PyBuffer_Release(&y);
    PyBuffer_Release(&taps);
    return result;
}

/* tpdf_quantise(audio, words, scale, full_scale, shift, out): float audio (n, c) to
 * integer PCM with TPDF dither, quantise_numpy's arithmetic (tests/helpers/reference.py)
 * in one pass:
 *
 *     x      = audio[j] * scale                      (float32 product)
 *     v      = 32-bit half j of words (low half first: word j / 2, then >> 32 if j is odd)
 *     x     += ((float)(v & 0xffff) - (float)(v >> 16)) * 2^-16     (exact, then one sum)
 *     out[j] = clip(rint(x), -full_scale, full_scale - 1) << shift
 *
 * j runs over the samples in memory order (frame by frame). rint rounds half to even, as
 * numpy's does; the clip bounds are integers, exact in float32 up to 24 bits, so clipping
 * first and rounding after gives the same integers. audio: C-contiguous
 * float32; words: uint64, at least ceil(n*c / 2); out: int16 (shift 0) or int32, the same
 * shape as audio. Pass 2 quantises every block of a render through this: it was four
 * passes and three block-sized temporaries (a fifth of pass 2's work on the main thread).
 */
/* Round half to even (rint in the default rounding mode) of |x| <= 2^24 without libm:
 * adding and subtracting 1.5 * 2^52 in double rounds to an integer, exactly, and
 * vectorises where a call to rintf does not (numpy's SIMD rint was faster than the loop
 * calling it). */
#define RINT_MAGIC 6755399441055744.0

INLINE_LOOP float quantise_one(float a, uint32_t v, float scale, float lo, float hi)
{
    const float dither = ((float)(v & 0xffffu) - (float)(v >> 16)) * (1.0f / 65536.0f);
    float x = a * scale;
    x = x + dither;
    /* clip, then round: the bounds are integers, so this is clip(rint(x)) */
    x = x < lo ? lo : x;
    x = x > hi ? hi : x;
    return (float)(((double)x + RINT_MAGIC) - RINT_MAGIC);
}

#define DEFINE_QUANTISE(NAME, T, UT)                                                       \
ELEMENTWISE static void NAME(const float *restrict audio, Py_ssize_t count,              \
                 const uint64_t *restrict words, float scale, float full_scale,           \
                 unsigned shift, T *restrict out)                                         \
{                                                                                          \
    const float lo = -full_scale, hi = full_scale - 1.0f;                                  \
    const Py_ssize_t n_pairs = count / 2;                                                  \
    for (Py_ssize_t i = 0; i < n_pairs; i++) {                                             \
        const uint64_t w = words[i];                                                       \
        const float x0 = quantise_one(audio[2 * i], (uint32_t)w, scale, lo, hi);          \
        const float x1 = quantise_one(audio[2 * i + 1], (uint32_t)(w >> 32), scale, lo, hi); \
        out[2 * i] = (T)(UT)((UT)(T)x0 << shift);                                          \
        out[2 * i + 1] = (T)(UT)((UT)(T)x1 << shift);                                      \
    }                                                                                      \
    if (count & 1) {  /* an odd count: the last word's low half */                         \
        const float x = quantise_one(audio[count - 1], (uint32_t)words[n_pairs], scale,   \
                                     lo, hi);                                              \
        out[count - 1] = (T)(UT)((UT)(T)x << shift);                                       \
    }                                                                                      \
}

DEFINE_QUANTISE(quantise_int16, int16_t, uint16_t)
DEFINE_QUANTISE(quantise_int32, int32_t, uint32_t)

static PyObject *tpdf_quantise(PyObject *self, PyObject *args)
{
    PyObject *audio_obj, *words_obj, *out_obj;
    Py_buffer audio, words, out;
    float scale, full_scale;
    unsigned shift;
    if (!PyArg_ParseTuple(args, "OOffIO:tpdf_quantise", &audio_obj, &words_obj, &scale,
                          &full_scale, &shift, &out_obj))
        return NULL;
    if (!get_buffer(audio_obj, &audio, 0, 2, "audio"))
        return NULL;
    if (!get_buffer(words_obj, &words, 0, 1, "words")) {
        PyBuffer_Release(&audio);
        return NULL;
    }
    if (!get_buffer(out_obj, &out, 1, 2, "out")) {
        PyBuffer_Release(&audio);
        PyBuffer_Release(&words);
        return NULL;
    }
    PyObject *result = NULL;
    const Py_ssize_t count = audio.shape[0] * audio.shape[1];
    const int is16 = strcmp(out.format, "h") == 0;
    const int is32 = strcmp(out.format, "i") == 0 || (strcmp(out.format, "l") == 0
                                                       && out.itemsize == 4);
    if (strcmp(audio.format, "f") != 0 || words.itemsize != 8
            || (strchr("QLk", words.format[0]) == NULL) || (!is16 && !is32)) {
        PyErr_SetString(PyExc_TypeError, "tpdf_quantise wants float32 audio, uint64 words "
                        "and int16 or int32 out");
    } else if (out.shape[0] != audio.shape[0] || out.shape[1] != audio.shape[1]
               || words.shape[0] < (count + 1) / 2 || shift > 16 || (is16 && shift)) {
        PyErr_SetString(PyExc_ValueError, "tpdf_quantise wants out shaped as audio, "
                        "ceil(audio.size / 2) words and a shift only for int32");
    } else {
        Py_BEGIN_ALLOW_THREADS
        if (is16)
            quantise_int16((const float *)audio.buf, count, (const uint64_t *)words.buf,
                           scale, full_scale, shift, (int16_t *)out.buf);
        else
            quantise_int32((const float *)audio.buf, count, (const uint64_t *)words.buf,
                           scale, full_scale, shift, (int32_t *)out.buf);
        Py_END_ALLOW_THREADS
        result = Py_NewRef(Py_None);
    }
    PyBuffer_Release(&audio);
    PyBuffer_Release(&words);
    PyBuffer_Release(&out);
    return result;
}

/* pcg64_raw(state, out): numpy's PCG64 random_raw(len(out)) into out (uint64), the state
 * (uint64[4]: state high, state low, increment high, increment low, as in
 * PCG64.state["state"]) advanced in place. numpy's step (PCG64 "setseq 128, XSL RR 64",
 * pcg64.h): the state first, s = s * M + inc (mod 2^128), then the word from the new state,
 * ((hi ^ lo) rotated right by hi >> 58). numpy calls its generator through a function
 * pointer once per word, and each state depends on the one before (a 128-bit multiply
 * chain): ~2.8 ns a word here. The words are the same when PCG64_LANES states are carried
 * side by side, each jumping PCG64_LANES steps at a time, s' = A s + C with
 * A = M^L and C = inc (M^(L-1) + ... + 1) (mod 2^128, exact integer arithmetic): the
 * multiplies of different lanes overlap. Dithering a render's blocks draws one word per
 * two samples (pass 2). */
#define PCG64_LANES 4

typedef unsigned __int128 u128;

static inline uint64_t pcg64_output(u128 s)
{
    const uint64_t hi = (uint64_t)(s >> 64), lo = (uint64_t)s;
    const uint64_t x = hi ^ lo;
    const unsigned rot = (unsigned)(hi >> 58);
    return (x >> rot) | (x << ((64u - rot) & 63u));
}

static void pcg64_fill(uint64_t *restrict out, Py_ssize_t n, u128 *state, u128 inc)
{
    const u128 mult = ((u128)2549297995355413924ULL << 64) | 4865540595714422341ULL;
    u128 s = *state;
    Py_ssize_t i = 0;
    if (n >= 4 * PCG64_LANES) {
        /* A = M^L, C = inc (M^(L-1) + ... + 1): L single steps composed */
        u128 a = 1, c = 0;
        for (int k = 0; k < PCG64_LANES; k++) {
            a = a * mult;
            c = c * mult + inc;
        }
        u128 lane[PCG64_LANES];
        for (int k = 0; k < PCG64_LANES; k++) {
            s = s * mult + inc;
            lane[k] = s;
            out[k] = pcg64_output(s);
        }
        i = PCG64_LANES;
        for (; i + PCG64_LANES <= n; i += PCG64_LANES)
            for (int k = 0; k < PCG64_LANES; k++) {
                lane[k] = lane[k] * a + c;
                out[i + k] = pcg64_output(lane[k]);
            }
        s = lane[PCG64_LANES - 1];
    }
    for (; i < n; i++) {
        s = s * mult + inc;
        out[i] = pcg64_output(s);
    }
    *state = s;
}

static PyObject *pcg64_raw(PyObject *self, PyObject *args)
{
    PyObject *state_obj, *out_obj;
    Py_buffer st, out;
    if (!PyArg_ParseTuple(args, "OO:pcg64_raw", &state_obj, &out_obj))
        return NULL;
    if (!get_buffer(state_obj, &st, 1, 1, "state"))
        return NULL;
    if (!get_buffer(out_obj, &out, 1, 1, "out")) {
        PyBuffer_Release(&st);
        return NULL;
    }
    PyObject *result = NULL;
    if (st.itemsize != 8 || strchr("QLk", st.format[0]) == NULL || out.itemsize != 8
            || strchr("QLk", out.format[0]) == NULL) {
        PyErr_SetString(PyExc_TypeError, "pcg64_raw wants a uint64 state and a uint64 out");
    } else if (st.shape[0] != 4) {
        PyErr_SetString(PyExc_ValueError, "pcg64_raw wants a state of 4 words (state high, "
                        "state low, increment high, increment low)");
    } else {
        uint64_t *w = (uint64_t *)st.buf;
        u128 s = ((u128)w[0] << 64) | w[1];
        const u128 inc = ((u128)w[2] << 64) | w[3];
        Py_BEGIN_ALLOW_THREADS
        pcg64_fill((uint64_t *)out.buf, out.shape[0], &s, inc);
        Py_END_ALLOW_THREADS
        w[0] = (uint64_t)(s >> 64);
        w[1] = (uint64_t)s;
        result = Py_NewRef(Py_None);
    }
    PyBuffer_Release(&st);
    PyBuffer_Release(&out);
    return result;
}

/* echo(buf, x, delay, feedback, past_weight, prev_weight): the ping-pong echo's lines over
 * a block, in place. buf (2, h + m) holds the previous h = delay + 1 samples of each line,
 * then room for m new ones; for i >= h, with t = i - delay (all float32, each step rounded):
 *
 *     damped_c = past_weight * buf[c, t] + prev_weight * buf[c, t - 1]
 *     buf[0, i] = x[i - h] + feedback * damped_1
 *     buf[1, i] = feedback * damped_0
 *
 * the arithmetic of moodc.synth.effects.Echo's numpy loop, which went a delay at a time.
 * Chunks of at most one delay read only samples written before the chunk, so each chunk's
 * loops are element-wise (vectorised) like the numpy passes were.
 */
ELEMENTWISE static void echo_float(float *buf, Py_ssize_t width, const float *x, Py_ssize_t m,
                       Py_ssize_t delay, float feedback, float past_weight, float prev_weight)
{
    float *left = buf, *right = buf + width;
    const Py_ssize_t h = delay + 1;
    for (Py_ssize_t t = 0; t < m; t += delay) {
        const Py_ssize_t c = m - t < delay ? m - t : delay, a = h + t;
        float *restrict out_l = left + a, *restrict out_r = right + a;
        const float *restrict past_l = left + a - delay, *restrict prev_l = past_l - 1;
        const float *restrict past_r = right + a - delay, *restrict prev_r = past_r - 1;
        const float *restrict in = x + t;
        for (Py_ssize_t j = 0; j < c; j++) {
            const float damped_r = past_weight * past_r[j] + prev_weight * prev_r[j];
            out_l[j] = in[j] + feedback * damped_r;
        }
        for (Py_ssize_t j = 0; j < c; j++) {
            const float damped_l = past_weight * past_l[j] + prev_weight * prev_l[j];
            out_r[j] = feedback * damped_l;
        }
    }
}

static PyObject *echo(PyObject *self, PyObject *args)
{
    PyObject *buf_obj, *x_obj;
    Py_ssize_t delay;
    float feedback, past_weight, prev_weight;
    Py_buffer buf, x;
    if (!PyArg_ParseTuple(args, "OOnfff:echo", &buf_obj, &x_obj, &delay, &feedback,
                          &past_weight, &prev_weight))
        return NULL;
    if (!get_buffer(buf_obj, &buf, 1, 2, "buf"))
        return NULL;
    if (!get_buffer(x_obj, &x, 0, 1, "x")) {
        PyBuffer_Release(&buf);
        return NULL;
    }
    PyObject *result = NULL;
    const Py_ssize_t width = buf.shape[1], m = x.shape[0];
    if (strcmp(buf.format, "f") != 0 || strcmp(x.format, "f") != 0) {
        PyErr_Format(PyExc_TypeError, "echo wants float32 buf and x (formats %s, %s)",
                     buf.format, x.format);
    } else if (buf.shape[0] != 2 || delay < 1 || width != delay + 1 + m) {
        PyErr_SetString(PyExc_ValueError, "echo wants buf (2, delay + 1 + len(x)), delay >= 1");
    } else {
        Py_BEGIN_ALLOW_THREADS
        echo_float((float *)buf.buf, width, (const float *)x.buf, m, delay, feedback,
                   past_weight, prev_weight);
        Py_END_ALLOW_THREADS
        result = Py_NewRef(Py_None);
    }
    PyBuffer_Release(&buf);
    PyBuffer_Release(&x);
    return result;
}

/* limiter_smooth(reduction_db, hold_n, lookahead_n, lead, out): the limiter's smoothed
 * reduction (float64, dB) from the needed one, moodc.synth.master.limiter_gain's steps:
 *
 *     held[i] = max(reduction_db[i - hold_n .. i + lookahead_n]), zeros outside
 *     lead:   v = [held[0]] * lookahead_n + held, else v = held
 *     cs      = running sum of v from its first value, in order (numpy's cumsum)
 *     mean[i] = (cs[i] - cs[i - lookahead_n - 1]) / (lookahead_n + 1)  (0 before the start)
 *     out[i]  = mean[i + lead * lookahead_n], or 0 where that is below 1e-9
 *
 * The maxima are exact whatever the algorithm (a monotonic queue here, O(n)); the running
 * sum and the differences are the same double operations in the same order as the numpy
 * cumsum and subtraction, so out holds the same bits. reduction_db must be >= 0 (the
 * zeros outside then never win) and not NaN.
 */
static int limiter_smooth_f64(const double *r, Py_ssize_t n, Py_ssize_t hold, Py_ssize_t la,
                              int lead, double *out)
{
    if (n == 0)
        return 1; /* nothing to smooth (and no first value to lead in with) */
    const Py_ssize_t n_lead = lead ? la : 0, total = n + n_lead;
    Py_ssize_t *queue = PyMem_RawMalloc((size_t)(n > 0 ? n : 1) * sizeof(Py_ssize_t));
    double *cs = PyMem_RawMalloc((size_t)(total > 0 ? total : 1) * sizeof(double));
    if (queue == NULL || cs == NULL) {
        PyMem_RawFree(queue);
        PyMem_RawFree(cs);
        return 0;
    }
    /* held values, written into out first (read back in order below) */
    Py_ssize_t head = 0, tail = 0, next = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        const Py_ssize_t last = i + la < n - 1 ? i + la : n - 1;
        for (; next <= last; next++) { /* queue: indices of decreasing values */
            while (tail > head && r[queue[tail - 1]] <= r[next])
                tail--;
            queue[tail++] = next;
        }
        while (queue[head] < i - hold)
            head++;
        double held = r[queue[head]];
        if ((i - hold < 0 || i + la > n - 1) && !(held > 0.0))
            held = 0.0; /* the zero padding */
        out[i] = held;
    }
    double sum = 0.0;
    for (Py_ssize_t k = 0; k < total; k++) {
        const double v = k < n_lead ? out[0] : out[k - n_lead];
        sum = k == 0 ? v : sum + v;
        cs[k] = sum;
    }
    const double width = (double)(la + 1);
    for (Py_ssize_t i = 0; i < n; i++) {
        const Py_ssize_t k = i + n_lead;
        const double before = k - la - 1 >= 0 ? cs[k - la - 1] : 0.0;
        const double mean = (cs[k] - before) / width;
        out[i] = mean < 1e-9 ? 0.0 : mean;
    }
    PyMem_RawFree(queue);
    PyMem_RawFree(cs);
    return 1;
}

static PyObject *limiter_smooth(PyObject *self, PyObject *args)
{
    PyObject *r_obj, *out_obj;
    Py_ssize_t hold, la;
    int lead;
    Py_buffer r, out;
    if (!PyArg_ParseTuple(args, "OnnpO:limiter_smooth", &r_obj, &hold, &la, &lead, &out_obj))
        return NULL;
    if (!get_buffer(r_obj, &r, 0, 1, "reduction_db"))
        return NULL;
    if (!get_buffer(out_obj, &out, 1, 1, "out")) {
        PyBuffer_Release(&r);
        return NULL;
    }
    PyObject *result = NULL;
    const Py_ssize_t n = r.shape[0];
    if (strcmp(r.format, "d") != 0 || strcmp(out.format, "d") != 0) {
        PyErr_SetString(PyExc_TypeError, "limiter_smooth wants float64 reduction_db and out");
    } else if (out.shape[0] != n || hold < 0 || la < 0 || (r.buf == out.buf && n > 0)) {
        PyErr_SetString(PyExc_ValueError, "limiter_smooth wants out of reduction_db's length "
                        "(another array) and hold_n, lookahead_n >= 0");
    } else {
        int ok;
        Py_BEGIN_ALLOW_THREADS
        ok = limiter_smooth_f64((const double *)r.buf, n, hold, la, lead, (double *)out.buf);
        Py_END_ALLOW_THREADS
        result = ok ? Py_NewRef(Py_None) : PyErr_NoMemory();
    }
    PyBuffer_Release(&r);
    PyBuffer_Release(&out);
    return result;
}

/* tilt_width(x, last, c, tilt, a, b, out): the block's last two effects into interleaved
 * frames. With tilt, each channel first becomes (float32, each step rounded)
 *
 *     y[j] = (p - x[j]) * (-c) + x[j],   p = x[j - 1] (last before j = 0)
 *
 * (moodc.synth.effects.Tilt's numpy steps), then
 *
 *     out[j, 0] = y0[j] * a + y1[j] * b,   out[j, 1] = y1[j] * a + y0[j] * b
 *
 * (width_matrix's): one pass instead of a shifted copy, three tilt passes and six strided
 * width passes. x: (2, n); last: (2,); out: (n, 2); all C-contiguous float32.
 */
/* one frame of the width matrix into out[0], out[1] */
INLINE_LOOP void width_frame(float l, float r, float a, float b, float *restrict out)
{
    const float ll = l * a, rb = r * b, ra = r * a, lb = l * b;
    out[0] = ll + rb;
    out[1] = ra + lb;
}

ELEMENTWISE static void tilt_width_float(const float *x, Py_ssize_t n, const float *last, float c,
                             int tilt, float a, float b, float *restrict out)
{
    const float *left = x, *right = x + n, neg_c = -c;
    if (!tilt) {
        for (Py_ssize_t j = 0; j < n; j++)
            width_frame(left[j], right[j], a, b, out + 2 * j);
        return;
    }
    if (n > 0)
        width_frame((last[0] - left[0]) * neg_c + left[0],
                    (last[1] - right[0]) * neg_c + right[0], a, b, out);
    /* p read from x itself past the first frame: no value carried from one iteration to
     * the next, so the loop vectorises */
    for (Py_ssize_t j = 1; j < n; j++) {
        const float l = left[j], r = right[j];
        width_frame((left[j - 1] - l) * neg_c + l, (right[j - 1] - r) * neg_c + r, a, b,
                    out + 2 * j);
    }
}

static PyObject *tilt_width(PyObject *self, PyObject *args)
{
    PyObject *x_obj, *last_obj, *out_obj;
    float c, a, b;
    int tilt;
    Py_buffer x, last, out;
    if (!PyArg_ParseTuple(args, "OOfpffO:tilt_width", &x_obj, &last_obj, &c, &tilt, &a, &b,
                          &out_obj))
        return NULL;
    if (!get_buffer(x_obj, &x, 0, 2, "x"))
        return NULL;
    if (!get_buffer(last_obj, &last, 0, 1, "last")) {
        PyBuffer_Release(&x);
        return NULL;
    }
    if (!get_buffer(out_obj, &out, 1, 2, "out")) {
        PyBuffer_Release(&x);
        PyBuffer_Release(&last);
        return NULL;
    }
    PyObject *result = NULL;
    const Py_ssize_t n = x.shape[1];
    if (strcmp(x.format, "f") != 0 || strcmp(last.format, "f") != 0
        || strcmp(out.format, "f") != 0) {
        PyErr_SetString(PyExc_TypeError, "tilt_width wants float32 x, last and out");
    } else if (x.shape[0] != 2 || last.shape[0] != 2 || out.shape[0] != n
               || out.shape[1] != 2) {
        PyErr_SetString(PyExc_ValueError, "tilt_width wants x (2, n), last (2,), out (n, 2)");
    } else {
        Py_BEGIN_ALLOW_THREADS
        tilt_width_float((const float *)x.buf, n, (const float *)last.buf, c, tilt, a, b,
                         (float *)out.buf);
        Py_END_ALLOW_THREADS
        result = Py_NewRef(Py_None);
    }
    PyBuffer_Release(&x);
    PyBuffer_Release(&last);
    PyBuffer_Release(&out);
    return result;
}

/* uniform_noise(words, offset, scale, out): out (2, m) float32 from m raw 64-bit words,
 *
 *     value k = ((half k >> 8) * 2**-24 - offset) * scale
 *
 * where half k is word k / 2's low 32 bits for even k and its high 32 bits for odd k: the
 * numbers numpy's Generator.random(dtype=float32) makes from a PCG64 with no half word
 * buffered (two floats per word, low half first), then the bed's two in-place float32
 * steps (moodc.synth.texture.Texture.noise), each rounded as numpy rounds them.
 */
ELEMENTWISE static void uniform_noise_float(const uint64_t *words, Py_ssize_t n_words,
                                            float offset, float scale, float *out)
{
    const float unit = 1.0f / 16777216.0f;
    for (Py_ssize_t w = 0; w < n_words; w++) {
        const uint64_t word = words[w];
        const float lo = (float)((uint32_t)word >> 8) * unit;
        const float hi = (float)((uint32_t)(word >> 32) >> 8) * unit;
        out[2 * w] = (lo - offset) * scale;
        out[2 * w + 1] = (hi - offset) * scale;
    }
}

static PyObject *uniform_noise(PyObject *self, PyObject *args)
{
    PyObject *words_obj, *out_obj;
    Py_buffer words, out;
    float offset, scale;
    if (!PyArg_ParseTuple(args, "OffO:uniform_noise", &words_obj, &offset, &scale, &out_obj))
        return NULL;
    if (!get_buffer(words_obj, &words, 0, 1, "words"))
        return NULL;
    if (!get_buffer(out_obj, &out, 1, 2, "out")) {
        PyBuffer_Release(&words);
        return NULL;
    }
    PyObject *result = NULL;
    if (words.itemsize != 8 || strchr("QLk", words.format[0]) == NULL
            || strcmp(out.format, "f") != 0) {
        PyErr_SetString(PyExc_TypeError, "uniform_noise wants uint64 words and float32 out");
    } else if (out.shape[0] * out.shape[1] != 2 * words.shape[0]) {
        PyErr_SetString(PyExc_ValueError,
                        "uniform_noise wants out (r, c) with r * c twice the words' count");
    } else {
        Py_BEGIN_ALLOW_THREADS
        uniform_noise_float((const uint64_t *)words.buf, words.shape[0], offset, scale,
                            (float *)out.buf);
        Py_END_ALLOW_THREADS
        result = Py_NewRef(Py_None);
    }
    PyBuffer_Release(&words);
    PyBuffer_Release(&out);
    return result;
}

/* limiter_moving(smoothed, moving, exponent) -> m: where the limiter's gain moves, one pass
 * over smoothed (n,) float64 (limiter_smooth's out):
 *
 *     moving[:m]   = the i where smoothed[i] != 0, in order   (numpy's flatnonzero)
 *     exponent[:m] = -smoothed[moving] / 20.0                  (numpy's negation, division)
 *
 * moodc.synth.master.limiter_gain then takes 10 ** exponent there: flatnonzero over the
 * float span (two passes) and the gather, negation and division were a third of a limited
 * block's gain curve. moving: int64 (n,); exponent: float64 (n,).
 */
static Py_ssize_t limiter_moving_f64(const double *smoothed, Py_ssize_t n, int64_t *moving,
                                     double *exponent)
{
    Py_ssize_t m = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        const double v = smoothed[i];
        if (v != 0.0) {
            moving[m] = (int64_t)i;
            exponent[m] = -v / 20.0;
            m++;
        }
    }
    return m;
}

static PyObject *limiter_moving(PyObject *self, PyObject *args)
{
    PyObject *s_obj, *m_obj, *e_obj;
    Py_buffer sm, mv, ex;
    if (!PyArg_ParseTuple(args, "OOO:limiter_moving", &s_obj, &m_obj, &e_obj))
        return NULL;
    if (!get_buffer(s_obj, &sm, 0, 1, "smoothed"))
        return NULL;
    if (!get_buffer(m_obj, &mv, 1, 1, "moving")) {
        PyBuffer_Release(&sm);
        return NULL;
    }
    if (!get_buffer(e_obj, &ex, 1, 1, "exponent")) {
        PyBuffer_Release(&sm);
        PyBuffer_Release(&mv);
        return NULL;
    }
    PyObject *result = NULL;
    const Py_ssize_t n = sm.shape[0];
    if (strcmp(sm.format, "d") != 0 || strcmp(ex.format, "d") != 0 || mv.itemsize != 8
            || (mv.format[0] != 'q' && mv.format[0] != 'l')) {
        PyErr_SetString(PyExc_TypeError, "limiter_moving wants float64 smoothed and exponent "
                        "and int64 moving");
    } else if (mv.shape[0] != n || ex.shape[0] != n) {
        PyErr_SetString(PyExc_ValueError,
                        "limiter_moving wants moving and exponent of smoothed's length");
    } else {
        Py_ssize_t m;
        Py_BEGIN_ALLOW_THREADS
        m = limiter_moving_f64((const double *)sm.buf, n, (int64_t *)mv.buf, (double *)ex.buf);
        Py_END_ALLOW_THREADS
        result = PyLong_FromSsize_t(m);
    }
    PyBuffer_Release(&sm);
    PyBuffer_Release(&mv);
    PyBuffer_Release(&ex);
    return result;
}

/* upsample2(y, last, out): each row of y (2, m) at twice the rate into out (2, 2m),
 *
 *     out[k, 2t] = 0.5 * (previous + y[k, t])  (last[k] before t = 0),  out[k, 2t + 1] = y[k, t]
 *
 * float32, each step rounded: moodc.synth.texture.Texture's linear interpolation (a
 * shifted copy, a sum, a product and two strided writes in numpy) in one pass. All three
 * C-contiguous float32.
 */
ELEMENTWISE static void upsample2_float(const float *y, Py_ssize_t m, const float *last,
                                        float *out)
{
    for (Py_ssize_t k = 0; k < 2; k++) {
        const float *restrict in = y + k * m;
        float *restrict pair = out + 2 * k * m;
        if (m > 0) {
            pair[0] = 0.5f * (last[k] + in[0]);
            pair[1] = in[0];
        }
        /* the previous sample read from y past the first: nothing carried between
         * iterations, so the loop vectorises */
        for (Py_ssize_t t = 1; t < m; t++) {
            pair[2 * t] = 0.5f * (in[t - 1] + in[t]);
            pair[2 * t + 1] = in[t];
        }
    }
}

static PyObject *upsample2(PyObject *self, PyObject *args)
{
    PyObject *y_obj, *last_obj, *out_obj;
    Py_buffer y, last, out;
    if (!PyArg_ParseTuple(args, "OOO:upsample2", &y_obj, &last_obj, &out_obj))
        return NULL;
    if (!get_buffer(y_obj, &y, 0, 2, "y"))
        return NULL;
    if (!get_buffer(last_obj, &last, 0, 1, "last")) {
        PyBuffer_Release(&y);
        return NULL;
    }
    if (!get_buffer(out_obj, &out, 1, 2, "out")) {
        PyBuffer_Release(&y);
        PyBuffer_Release(&last);
        return NULL;
    }
    PyObject *result = NULL;
    const Py_ssize_t m = y.shape[1];
    if (strcmp(y.format, "f") != 0 || strcmp(last.format, "f") != 0
        || strcmp(out.format, "f") != 0) {
        PyErr_SetString(PyExc_TypeError, "upsample2 wants float32 y, last and out");
    } else if (y.shape[0] != 2 || last.shape[0] != 2 || out.shape[0] != 2
               || out.shape[1] != 2 * m) {
        PyErr_SetString(PyExc_ValueError, "upsample2 wants y (2, m), last (2,), out (2, 2m)");
    } else {
        Py_BEGIN_ALLOW_THREADS
        upsample2_float((const float *)y.buf, m, (const float *)last.buf, (float *)out.buf);
        Py_END_ALLOW_THREADS
        result = Py_NewRef(Py_None);
    }
    PyBuffer_Release(&y);
    PyBuffer_Release(&last);
    PyBuffer_Release(&out);
    return result;
}

/* envelope_ramp(out, first, x0, slope, y0): one straight piece of a note's ADSR,
 *
 *     out[j] = (float)((((double)(first + j)) - x0) * slope + y0)
 *
 * numpy's `r = np.arange(first, first + n, dtype=np.float64); r -= x0; r *= slope;
 * r += y0; out[:] = r` (moodc.synth.envelope.adsr before this kernel): every step rounded
 * to float64 in that order, then to float32 (first + j is an exact double below 2**53), in
 * one pass without the float64 ramp. out: 1-D C-contiguous float32, written whole.
 */
ELEMENTWISE static void envelope_ramp_float(float *restrict out, Py_ssize_t n, long long first,
                                            double x0, double slope, double y0)
{
    for (Py_ssize_t j = 0; j < n; j++) {
        double r = (double)(first + (long long)j);
        r = r - x0;
        r = r * slope;
        r = r + y0;
        out[j] = (float)r;
    }
}

static PyObject *envelope_ramp(PyObject *self, PyObject *args)
{
    PyObject *out_obj;
    long long first;
    double x0, slope, y0;
    if (!PyArg_ParseTuple(args, "OLddd:envelope_ramp", &out_obj, &first, &x0, &slope, &y0))
        return NULL;
    Py_buffer out;
    if (!get_buffer(out_obj, &out, 1, 1, "out"))
        return NULL;
    PyObject *result = NULL;
    if (strcmp(out.format, "f") != 0) {
        PyErr_SetString(PyExc_TypeError, "envelope_ramp wants a float32 out");
    } else if (first < 0 || first + (long long)out.shape[0] > (1LL << 53)) {
        PyErr_Format(PyExc_ValueError, "envelope_ramp wants samples 0 <= first and "
                     "first + len(out) <= 2**53, not first=%lld", first);
    } else {
        Py_BEGIN_ALLOW_THREADS
        envelope_ramp_float((float *)out.buf, out.shape[0], first, x0, slope, y0);
        Py_END_ALLOW_THREADS
        result = Py_NewRef(Py_None);
    }
    PyBuffer_Release(&out);
    return result;
}

/* crossfade_swell(low, high, g, fade, swell, floor): two bands cross-faded and swelled by
 * one envelope, in place in low (the wind bed's frame),
 *
 *     low[c, i] = ((low[c, i] * (1 - g[i] * fade)) + high[c, i] * g[i]) * (g[i] * swell + floor)
 *
 * each product and sum rounded to float32 in that order: the floats of
 * moodc.synth.texture._wind_frame's eight numpy steps (weight = g * fade; weight = 1 -
 * weight; low *= weight; high *= g; low += high; weight = g * swell; weight += floor;
 * low *= weight), which were eight passes over the frame. low, high: (channels, n), g: (n,),
 * all C-contiguous float32; high is only read.
 */
ELEMENTWISE static void crossfade_swell_float(float *restrict low, const float *restrict high,
                                              const float *restrict g, Py_ssize_t n_rows,
                                              Py_ssize_t n, float fade, float swell,
                                              float floor_)
{
    for (Py_ssize_t r = 0; r < n_rows; r++) {
        float *restrict lo = low + r * n;
        const float *restrict hi = high + r * n;
        for (Py_ssize_t i = 0; i < n; i++) {
            const float keep = 1.0f - g[i] * fade;
            const float mixed = lo[i] * keep + hi[i] * g[i];
            lo[i] = mixed * (g[i] * swell + floor_);
        }
    }
}

static PyObject *crossfade_swell(PyObject *self, PyObject *args)
{
    PyObject *low_obj, *high_obj, *g_obj;
    float fade, swell, floor_;
    if (!PyArg_ParseTuple(args, "OOOfff:crossfade_swell", &low_obj, &high_obj, &g_obj, &fade,
                          &swell, &floor_))
        return NULL;
    Py_buffer low, high, g;
    if (!get_buffer(low_obj, &low, 1, 2, "low"))
        return NULL;
    if (!get_buffer(high_obj, &high, 0, 2, "high")) {
        PyBuffer_Release(&low);
        return NULL;
    }
    if (!get_buffer(g_obj, &g, 0, 1, "g")) {
        PyBuffer_Release(&low);
        PyBuffer_Release(&high);
        return NULL;
    }
    PyObject *result = NULL;
    if (strcmp(low.format, "f") != 0 || strcmp(high.format, "f") != 0
        || strcmp(g.format, "f") != 0) {
        PyErr_SetString(PyExc_TypeError, "crossfade_swell wants float32 low, high and g");
    } else if (high.shape[0] != low.shape[0] || high.shape[1] != low.shape[1]
               || g.shape[0] != low.shape[1]) {
        PyErr_SetString(PyExc_ValueError, "crossfade_swell wants high of low's shape and g "
                                          "of its length");
    } else {
        Py_BEGIN_ALLOW_THREADS
        crossfade_swell_float((float *)low.buf, (const float *)high.buf, (const float *)g.buf,
                              low.shape[0], low.shape[1], fade, swell, floor_);
        Py_END_ALLOW_THREADS
        result = Py_NewRef(Py_None);
    }
    PyBuffer_Release(&low);
    PyBuffer_Release(&high);
    PyBuffer_Release(&g);
    return result;
}

/* mix_in(acc, x, y, c): an effect's return added into a row of the mix, in place,
 *
 *     acc[i] = acc[i] + x[i] * c              (y empty)
 *     acc[i] = acc[i] + (x[i] + y[i]) * c     (y of acc's length: two rows folded to mono)
 *
 * each sum and product rounded to float32: numpy's `acc += c * x` and `np.add(x, y, out=t);
 * t *= c; acc += t` (float addition and multiplication commute bit for bit), one pass and
 * no temporary instead of two or three. All 1-D C-contiguous float32.
 */
ELEMENTWISE static void mix_in_float(float *restrict acc, const float *restrict x,
                                     const float *restrict y, float c, Py_ssize_t n)
{
    if (y) {
        for (Py_ssize_t i = 0; i < n; i++)
            acc[i] = acc[i] + (x[i] + y[i]) * c;
    } else {
        for (Py_ssize_t i = 0; i < n; i++)
            acc[i] = acc[i] + x[i] * c;
    }
}

static PyObject *mix_in(PyObject *self, PyObject *args)
{
    PyObject *objs[3];
    static const char *names[3] = {"acc", "x", "y"};
    float c;
    if (!PyArg_ParseTuple(args, "OOOf:mix_in", &objs[0], &objs[1], &objs[2], &c))
        return NULL;
    Py_buffer views[3];
    int n_views = 0;
    for (; n_views < 3; n_views++)
        if (!get_buffer(objs[n_views], &views[n_views], n_views == 0, 1, names[n_views]))
            break;
    PyObject *result = NULL;
    if (n_views == 3) {
        const Py_ssize_t n = views[0].shape[0];
        if (strcmp(views[0].format, "f") != 0 || strcmp(views[1].format, "f") != 0
            || strcmp(views[2].format, "f") != 0) {
            PyErr_SetString(PyExc_TypeError, "mix_in wants float32 acc, x and y");
        } else if (views[1].shape[0] != n || (views[2].shape[0] != 0 && views[2].shape[0] != n)) {
            PyErr_SetString(PyExc_ValueError, "mix_in wants x of acc's length and y of it "
                                              "or empty");
        } else {
            const float *y = views[2].shape[0] ? (const float *)views[2].buf : NULL;
            Py_BEGIN_ALLOW_THREADS
            mix_in_float((float *)views[0].buf, (const float *)views[1].buf, y, c, n);
            Py_END_ALLOW_THREADS
            result = Py_NewRef(Py_None);
        }
    }
    for (int i = 0; i < n_views; i++)
        PyBuffer_Release(&views[i]);
    return result;
}

/* reverb_send(x, delays, gains, scale, ext, out): the reverb's network input for one block,
 *
 *     ext[h + i] = 0.5 * (x[2i] + x[2i + 1])                    (the half rate: pair means)
 *     out[i]     = ((0 + g[0] * ext[h + i - d[0]]) + g[1] * ext[h + i - d[1]] + ...) * scale
 *
 * ext's first h = len(ext) - m samples are the previous block's means (the caller's), every
 * d[k] <= h; each product and sum rounded to float32, the taps in order: the floats of
 * moodc.synth.effects.Reverb's numpy steps (a strided sum and product, one product and sum
 * per early-reflection tap onto zeros, the lines' 1/sqrt(n)), which were twenty array
 * passes over the block. x: (2m,), ext: (h + m,), out: (m,) float32; delays int64, gains
 * float32, one per tap; all C-contiguous.
 */
#define SEND_CHUNK 1024

ELEMENTWISE static void reverb_send_float(const float *x, Py_ssize_t m, const long long *delays,
                                          const float *gains, Py_ssize_t n_taps, float scale,
                                          float *ext, Py_ssize_t h, float *out)
{
    float *restrict means = ext + h;
    for (Py_ssize_t i = 0; i < m; i++)
        means[i] = 0.5f * (x[2 * i] + x[2 * i + 1]);
    for (Py_ssize_t i0 = 0; i0 < m; i0 += SEND_CHUNK) {
        const Py_ssize_t len = m - i0 < SEND_CHUNK ? m - i0 : SEND_CHUNK;
        float *restrict acc = out + i0;
        for (Py_ssize_t i = 0; i < len; i++) /* numpy's zeros: -0 + 0 = +0 */
            acc[i] = 0.0f;
        for (Py_ssize_t k = 0; k < n_taps; k++) {
            const float g = gains[k];
            const float *restrict tap = ext + h + i0 - delays[k];
            for (Py_ssize_t i = 0; i < len; i++)
                acc[i] = acc[i] + g * tap[i];
        }
        for (Py_ssize_t i = 0; i < len; i++)
            acc[i] = acc[i] * scale;
    }
}

static PyObject *reverb_send(PyObject *self, PyObject *args)
{
    PyObject *objs[5];
    static const char *names[5] = {"x", "delays", "gains", "ext", "out"};
    float scale;
    if (!PyArg_ParseTuple(args, "OOOfOO:reverb_send", &objs[0], &objs[1], &objs[2], &scale,
                          &objs[3], &objs[4]))
        return NULL;
    Py_buffer views[5];
    int n_views = 0;
    for (; n_views < 5; n_views++)
        if (!get_buffer(objs[n_views], &views[n_views], n_views >= 3, 1, names[n_views]))
            break;
    PyObject *result = NULL;
    if (n_views == 5) {
        Py_buffer *x = &views[0], *d = &views[1], *g = &views[2], *ext = &views[3],
                  *out = &views[4];
        const Py_ssize_t m = out->shape[0], h = ext->shape[0] - m, n_taps = d->shape[0];
        int ok = 1;
        if (strcmp(x->format, "f") != 0 || strcmp(g->format, "f") != 0
            || strcmp(ext->format, "f") != 0 || strcmp(out->format, "f") != 0
            || d->itemsize != 8
            || (strcmp(d->format, "q") != 0 && strcmp(d->format, "l") != 0)) {
            PyErr_SetString(PyExc_TypeError,
                            "reverb_send wants float32 x, gains, ext and out, int64 delays");
            ok = 0;
        } else if (x->shape[0] != 2 * m || h < 0 || g->shape[0] != n_taps) {
            PyErr_SetString(PyExc_ValueError, "reverb_send wants x (2m,), ext (h + m,), "
                                              "out (m,) and one gain per delay");
            ok = 0;
        } else {
            const long long *dd = (const long long *)d->buf;
            for (Py_ssize_t k = 0; k < n_taps; k++)
                if (dd[k] < 0 || dd[k] > h) {
                    PyErr_SetString(PyExc_ValueError,
                                    "reverb_send wants every delay in 0 .. len(ext) - m");
                    ok = 0;
                    break;
                }
        }
        if (ok) {
            Py_BEGIN_ALLOW_THREADS
            reverb_send_float((const float *)x->buf, m, (const long long *)d->buf,
                              (const float *)g->buf, n_taps, scale, (float *)ext->buf, h,
                              (float *)out->buf);
            Py_END_ALLOW_THREADS
            result = Py_NewRef(Py_None);
        }
    }
    for (int i = 0; i < n_views; i++)
        PyBuffer_Release(&views[i]);
    return result;
}

/* pass1_filters(frames, dc_sos, dc_zi, fade, k_sos, k_zi, spilled, weighted): mastering's
 * pass 1 on one block, per sample and channel in one pass:
 *
 *     d = the DC blocker's section (dc_sos (1, 6)) on frames[j, c]
 *     d = d * fade[j]                        (only when fade has the block's length)
 *     spilled[j, c] = d                      (interleaved: the scratch file's bytes)
 *     weighted[c, j] = the K-weighting's two sections (k_sos (2, 6)) on d
 *
 * moodc.synth.master._Pass1Analyser's steps before (sosfilt on the transposed block, the
 * fade's product, the meter's own sosfilt, an interleaving copy), each sample through the
 * same SECTION arithmetic in float32: the same floats. Three recursions a sample instead of
 * three passes over the block, and no transposed or interleaved copies. frames, spilled:
 * (n, 2); weighted: (2, n); fade: (n,) or (0,); dc_zi: (2, 1, 2) and k_zi: (2, 2, 2),
 * updated in place; all C-contiguous float32.
 */
#if (defined(__GNUC__) || defined(__clang__)) && !defined(SCALAR_PAIRS)
/* Both channels in the low two lanes of one SSE vector ([left, right, 0, 0]): each section
 * step is one vector multiply, add or subtract for the two channels instead of two scalar
 * ones (packed single-precision operations round each lane as the scalar ones do, and
 * -ffp-contract=off keeps them unfused: the same floats). The six scalar recursions were
 * bound by the number of operations (~54 a frame on two ports), not by one recursion's
 * chain (~16 cycles); in lanes there are half as many: 860 -> 530 us per 131072-frame
 * block here. The upper lanes stay 0. -DSCALAR_PAIRS (or a compiler without vector
 * extensions) builds the scalar loop below, to test it. */
typedef float pass1_v4 __attribute__((vector_size(16)));

static void pass1_filters_float(const float *frames, Py_ssize_t n, const float *dc,
                                float *dc_zi, const float *fade, const float *k,
                                float *k_zi, float *restrict spilled, float *restrict weighted)
{
    const float *k0 = k, *k1 = k + 6;
    pass1_v4 d0 = {dc_zi[0], dc_zi[2], 0.0f, 0.0f}, d1 = {dc_zi[1], dc_zi[3], 0.0f, 0.0f};
    pass1_v4 p0 = {k_zi[0], k_zi[4], 0.0f, 0.0f}, p1 = {k_zi[1], k_zi[5], 0.0f, 0.0f};
    pass1_v4 q0 = {k_zi[2], k_zi[6], 0.0f, 0.0f}, q1 = {k_zi[3], k_zi[7], 0.0f, 0.0f};
    float *out_a = weighted, *out_b = weighted + n;
    for (Py_ssize_t j = 0; j < n; j++) {
        const pass1_v4 x = {frames[2 * j], frames[2 * j + 1], 0.0f, 0.0f};
        pass1_v4 y, u, v;
        SECTION(dc, x, d0, d1, y);
        if (fade)
            y = y * fade[j];
        spilled[2 * j] = y[0];
        spilled[2 * j + 1] = y[1];
        SECTION(k0, y, p0, p1, u);
        SECTION(k1, u, q0, q1, v);
        out_a[j] = v[0];
        out_b[j] = v[1];
    }
    dc_zi[0] = d0[0]; dc_zi[1] = d1[0]; dc_zi[2] = d0[1]; dc_zi[3] = d1[1];
    k_zi[0] = p0[0]; k_zi[1] = p1[0]; k_zi[2] = q0[0]; k_zi[3] = q1[0];
    k_zi[4] = p0[1]; k_zi[5] = p1[1]; k_zi[6] = q0[1]; k_zi[7] = q1[1];
}
#else
static void pass1_filters_float(const float *frames, Py_ssize_t n, const float *dc,
                                float *dc_zi, const float *fade, const float *k,
                                float *k_zi, float *restrict spilled, float *restrict weighted)
{
    /* both channels in one loop: six independent recursions the CPU overlaps */
    const float *k0 = k, *k1 = k + 6;
    float da0 = dc_zi[0], da1 = dc_zi[1], db0 = dc_zi[2], db1 = dc_zi[3];
    float pa0 = k_zi[0], pa1 = k_zi[1], qa0 = k_zi[2], qa1 = k_zi[3];
    float pb0 = k_zi[4], pb1 = k_zi[5], qb0 = k_zi[6], qb1 = k_zi[7];
    float *out_a = weighted, *out_b = weighted + n;
    for (Py_ssize_t j = 0; j < n; j++) {
        float ya, yb, ua, ub, va, vb;
        SECTION(dc, frames[2 * j], da0, da1, ya);
        SECTION(dc, frames[2 * j + 1], db0, db1, yb);
        if (fade) {
            ya = ya * fade[j];
            yb = yb * fade[j];
        }
        spilled[2 * j] = ya;
        spilled[2 * j + 1] = yb;
        SECTION(k0, ya, pa0, pa1, ua); SECTION(k0, yb, pb0, pb1, ub);
        SECTION(k1, ua, qa0, qa1, va); SECTION(k1, ub, qb0, qb1, vb);
        out_a[j] = va;
        out_b[j] = vb;
    }
    dc_zi[0] = da0; dc_zi[1] = da1; dc_zi[2] = db0; dc_zi[3] = db1;
    k_zi[0] = pa0; k_zi[1] = pa1; k_zi[2] = qa0; k_zi[3] = qa1;
    k_zi[4] = pb0; k_zi[5] = pb1; k_zi[6] = qb0; k_zi[7] = qb1;
}
#endif

static PyObject *pass1_filters(PyObject *self, PyObject *args)
{
    PyObject *objs[8];
    static const char *names[8] = {"frames", "dc_sos", "dc_zi", "fade", "k_sos", "k_zi",
                                   "spilled", "weighted"};
    static const int ndims[8] = {2, 2, 3, 1, 2, 3, 2, 2};
    static const int writable[8] = {0, 0, 1, 0, 0, 1, 1, 1};
    Py_buffer v[8];
    if (!PyArg_ParseTuple(args, "OOOOOOOO:pass1_filters", &objs[0], &objs[1], &objs[2],
                          &objs[3], &objs[4], &objs[5], &objs[6], &objs[7]))
        return NULL;
    int got = 0;
    for (; got < 8; got++)
        if (!get_buffer(objs[got], &v[got], writable[got], ndims[got], names[got]))
            break;
    PyObject *result = NULL;
    if (got == 8) {
        const Py_ssize_t n = v[0].shape[0];
        int all_float = 1;
        for (int i = 0; i < 8; i++)
            all_float &= strcmp(v[i].format, "f") == 0;
        if (!all_float) {
            PyErr_SetString(PyExc_TypeError, "pass1_filters wants every array float32");
        } else if (v[0].shape[1] != 2 || v[1].shape[0] != 1 || v[1].shape[1] != 6
                   || v[2].shape[0] != 2 || v[2].shape[1] != 1 || v[2].shape[2] != 2
                   || (v[3].shape[0] != n && v[3].shape[0] != 0)
                   || v[4].shape[0] != 2 || v[4].shape[1] != 6
                   || v[5].shape[0] != 2 || v[5].shape[1] != 2 || v[5].shape[2] != 2
                   || v[6].shape[0] != n || v[6].shape[1] != 2
                   || v[7].shape[0] != 2 || v[7].shape[1] != n) {
            PyErr_SetString(PyExc_ValueError, "pass1_filters wants frames (n, 2), dc_sos (1, 6), "
                            "dc_zi (2, 1, 2), fade (n,) or (0,), k_sos (2, 6), k_zi (2, 2, 2), "
                            "spilled (n, 2), weighted (2, n)");
        } else {
            Py_BEGIN_ALLOW_THREADS
            pass1_filters_float((const float *)v[0].buf, n, (const float *)v[1].buf,
                                (float *)v[2].buf,
                                v[3].shape[0] ? (const float *)v[3].buf : NULL,
                                (const float *)v[4].buf, (float *)v[5].buf,
                                (float *)v[6].buf, (float *)v[7].buf);
            Py_END_ALLOW_THREADS
            result = Py_NewRef(Py_None);
        }
    }
    for (int i = 0; i < got; i++)
        PyBuffer_Release(&v[i]);
    return result;
}

/* peak_candidates(audio, threshold, envelope, hot): the true-peak estimate's cheap part
 * (moodc.dsp.peak.peak_envelope) in one pass over audio (n, c) float32:
 *
 *     envelope[j] = max over channels of |audio[j, ch]|     (numpy's maximum: NaN wins)
 *     hot[ch, :k_ch] = the j where |audio[j, ch]| >= t and >= both neighbours' (the first
 *                      and last sample compared with themselves), t = (float)threshold
 *                      (numpy compares float32 with a Python float in float32)
 *
 * Returns (k_0, ..., k_c-1), or None when no envelope sample reaches t (hot then unused).
 * numpy took an absolute value, a maximum, a comparison and a scan per channel, and per
 * channel again the absolute value, a comparison, a scan and three gathers. envelope (n,)
 * float32; hot (c, n) int64 (only the first k_ch of each row written).
 */
ELEMENTWISE static int peak_envelope_float(const float *audio, Py_ssize_t n, Py_ssize_t c,
                                           float t, float *restrict envelope)
{
    int any = 0;
    if (c == 2) { /* the master's stereo: a loop the compiler vectorises */
        for (Py_ssize_t j = 0; j < n; j++) {
            const float a = fabsf(audio[2 * j]), b = fabsf(audio[2 * j + 1]);
            const float e = (a >= b || a != a) ? a : b;
            envelope[j] = e;
            any |= e >= t;
        }
        return any;
    }
    for (Py_ssize_t j = 0; j < n; j++) {
        float e = fabsf(audio[j * c]);
        for (Py_ssize_t ch = 1; ch < c; ch++) {
            const float m = fabsf(audio[j * c + ch]);
            e = (e >= m || e != e) ? e : m;
        }
        envelope[j] = e;
        any |= e >= t;
    }
    return any;
}

/* Each channel's j where |x[j]| >= t and >= both neighbours' (the first and last sample
 * compared with themselves), into its row of hot; counts[ch] of them. Only frames whose
 * envelope (their largest |x|) reaches t can hold one: typically a few percent. */
static void local_maxima_float(const float *audio, Py_ssize_t n, Py_ssize_t c, float t,
                               const float *envelope, long long *restrict hot,
                               Py_ssize_t *counts)
{
    for (Py_ssize_t ch = 0; ch < c; ch++)
        counts[ch] = 0;
    for (Py_ssize_t j = 0; j < n; j++) {
        if (!(envelope[j] >= t))
            continue;
        for (Py_ssize_t ch = 0; ch < c; ch++) {
            const float m = fabsf(audio[j * c + ch]);
            const float before = j > 0 ? fabsf(audio[(j - 1) * c + ch]) : m;
            const float after = j + 1 < n ? fabsf(audio[(j + 1) * c + ch]) : m;
            if (m >= t && m >= before && m >= after)
                hot[ch * n + counts[ch]++] = j;
        }
    }
}

static int peak_candidates_float(const float *audio, Py_ssize_t n, Py_ssize_t c, float t,
                                 float *restrict envelope, long long *restrict hot,
                                 Py_ssize_t *counts)
{
    if (!peak_envelope_float(audio, n, c, t, envelope))
        return 0;
    local_maxima_float(audio, n, c, t, envelope, hot, counts);
    return 1;
}

static PyObject *peak_candidates(PyObject *self, PyObject *args)
{
    PyObject *audio_obj, *env_obj, *hot_obj;
    double threshold;
    Py_buffer audio, env, hot;
    if (!PyArg_ParseTuple(args, "OdOO:peak_candidates", &audio_obj, &threshold, &env_obj,
                          &hot_obj))
        return NULL;
    if (!get_buffer(audio_obj, &audio, 0, 2, "audio"))
        return NULL;
    if (!get_buffer(env_obj, &env, 1, 1, "envelope")) {
        PyBuffer_Release(&audio);
        return NULL;
    }
    if (!get_buffer(hot_obj, &hot, 1, 2, "hot")) {
        PyBuffer_Release(&audio);
        PyBuffer_Release(&env);
        return NULL;
    }
    PyObject *result = NULL;
    const Py_ssize_t n = audio.shape[0], c = audio.shape[1];
    Py_ssize_t *counts = NULL;
    if (strcmp(audio.format, "f") != 0 || strcmp(env.format, "f") != 0
        || (strcmp(hot.format, "q") != 0 && strcmp(hot.format, "l") != 0)
        || hot.itemsize != 8) {
        PyErr_SetString(PyExc_TypeError, "peak_candidates wants float32 audio and envelope, "
                        "int64 hot");
    } else if (c < 1 || env.shape[0] != n || hot.shape[0] != c || hot.shape[1] != n) {
        PyErr_SetString(PyExc_ValueError, "peak_candidates wants audio (n, c) with c >= 1, "
                        "envelope (n,), hot (c, n)");
    } else if ((counts = PyMem_Calloc((size_t)c, sizeof(Py_ssize_t))) == NULL) {
        PyErr_NoMemory();
    } else {
        int any;
        Py_BEGIN_ALLOW_THREADS
        any = peak_candidates_float((const float *)audio.buf, n, c, (float)threshold,
                                    (float *)env.buf, (long long *)hot.buf, counts);
        Py_END_ALLOW_THREADS
        if (!any) {
            result = Py_NewRef(Py_None);
        } else if ((result = PyTuple_New(c)) != NULL) {
            for (Py_ssize_t ch = 0; ch < c; ch++) {
                PyObject *k = PyLong_FromSsize_t(counts[ch]);
                if (k == NULL) {
                    Py_CLEAR(result);
                    break;
                }
                PyTuple_SET_ITEM(result, ch, k);
            }
        }
        PyMem_Free(counts);
    }
    PyBuffer_Release(&audio);
    PyBuffer_Release(&env);
    PyBuffer_Release(&hot);
    return result;
}

/* limit_frames(frames, limit, envelope, out): the limiter's gain on one block,
 *
 *     out[j, c] = frames[j, c] * (float)limit[j]       (float32, rounded)
 *     returns max over j of (double)envelope[j] * limit[j]   (the block's limited true peak)
 *
 * moodc.synth.master._Limiter.apply's scale_frames(frames, limit.astype(float32)) and
 * float((envelope * limit).max()), without the float32 gain, the float64 product and the
 * strided passes. A NaN product is returned as numpy's max returns it. frames, out (n, 2)
 * float32; limit (n,) float64; envelope (n,) float32; n >= 1.
 */
ELEMENTWISE static double limit_frames_float(const float *frames, Py_ssize_t n,
                                             const double *limit, const float *envelope,
                                             float *restrict out)
{
    for (Py_ssize_t j = 0; j < n; j++) {
        const float g = (float)limit[j];
        out[2 * j] = frames[2 * j] * g;
        out[2 * j + 1] = frames[2 * j + 1] * g;
    }
    double peak = (double)envelope[0] * limit[0];
    for (Py_ssize_t j = 1; j < n && peak == peak; j++) {
        const double p = (double)envelope[j] * limit[j];
        peak = (p > peak || p != p) ? p : peak;
    }
    return peak;
}

static PyObject *limit_frames(PyObject *self, PyObject *args)
{
    PyObject *frames_obj, *limit_obj, *env_obj, *out_obj;
    Py_buffer frames, limit, env, out;
    if (!PyArg_ParseTuple(args, "OOOO:limit_frames", &frames_obj, &limit_obj, &env_obj,
                          &out_obj))
        return NULL;
    if (!get_buffer(frames_obj, &frames, 0, 2, "frames"))
        return NULL;
    if (!get_buffer(limit_obj, &limit, 0, 1, "limit")) {
        PyBuffer_Release(&frames);
        return NULL;
    }
    if (!get_buffer(env_obj, &env, 0, 1, "envelope")) {
        PyBuffer_Release(&frames);
        PyBuffer_Release(&limit);
        return NULL;
    }
    if (!get_buffer(out_obj, &out, 1, 2, "out")) {
        PyBuffer_Release(&frames);
        PyBuffer_Release(&limit);
        PyBuffer_Release(&env);
        return NULL;
    }
    PyObject *result = NULL;
    const Py_ssize_t n = frames.shape[0];
    if (strcmp(frames.format, "f") != 0 || strcmp(limit.format, "d") != 0
        || strcmp(env.format, "f") != 0 || strcmp(out.format, "f") != 0) {
        PyErr_SetString(PyExc_TypeError, "limit_frames wants float32 frames, envelope and "
                        "out, float64 limit");
    } else if (n < 1 || frames.shape[1] != 2 || limit.shape[0] != n || env.shape[0] != n
               || out.shape[0] != n || out.shape[1] != 2) {
        PyErr_SetString(PyExc_ValueError, "limit_frames wants frames (n, 2) with n >= 1, "
                        "limit (n,), envelope (n,), out (n, 2)");
    } else {
        double peak;
        Py_BEGIN_ALLOW_THREADS
        peak = limit_frames_float((const float *)frames.buf, n, (const double *)limit.buf,
                                  (const float *)env.buf, (float *)out.buf);
        Py_END_ALLOW_THREADS
        result = PyFloat_FromDouble(peak);
    }
    PyBuffer_Release(&frames);
    PyBuffer_Release(&limit);
    PyBuffer_Release(&env);
    PyBuffer_Release(&out);
    return result;
}

/* gain_loss_add(gain_loss, limit, start, hop_n): pass 2's per-hop power taken by the
 * limiter, moodc.synth.master.add_gain_loss:
 *
 *     for each hop h the block [start, start + n) reaches (h < len(gain_loss)):
 *         gain_loss[h] += the sum, in order from 0.0, of 1.0 - limit[j]**2 over its samples
 *
 * numpy summed each hop's stretch with a cumulative sum (in order) after a squared, a
 * subtracted and a reshaped copy. A sample at unity adds +0.0, which leaves a sum of
 * non-negative terms as it is: skipped. float64; limit (n,); gain_loss updated in place.
 */
static void gain_loss_add_f64(double *gain_loss, Py_ssize_t n_hops, const double *limit,
                              Py_ssize_t n, Py_ssize_t start, Py_ssize_t hop_n)
{
    const Py_ssize_t cap = n_hops * hop_n;
    const Py_ssize_t stop = start + n < cap ? start + n : cap;
    Py_ssize_t j = start;
    while (j < stop) {
        const Py_ssize_t hop = j / hop_n;
        const Py_ssize_t end = (hop + 1) * hop_n < stop ? (hop + 1) * hop_n : stop;
        double sum = 0.0;
        for (Py_ssize_t i = j; i < end; i++) {
            const double g = limit[i - start];
            if (g != 1.0)
                sum = sum + (1.0 - g * g);
        }
        gain_loss[hop] = gain_loss[hop] + sum;
        j = end;
    }
}

static PyObject *gain_loss_add(PyObject *self, PyObject *args)
{
    PyObject *loss_obj, *limit_obj;
    Py_ssize_t start, hop_n;
    Py_buffer loss, limit;
    if (!PyArg_ParseTuple(args, "OOnn:gain_loss_add", &loss_obj, &limit_obj, &start, &hop_n))
        return NULL;
    if (!get_buffer(loss_obj, &loss, 1, 1, "gain_loss"))
        return NULL;
    if (!get_buffer(limit_obj, &limit, 0, 1, "limit")) {
        PyBuffer_Release(&loss);
        return NULL;
    }
    PyObject *result = NULL;
    if (strcmp(loss.format, "d") != 0 || strcmp(limit.format, "d") != 0) {
        PyErr_SetString(PyExc_TypeError, "gain_loss_add wants float64 gain_loss and limit");
    } else if (start < 0 || hop_n < 1) {
        PyErr_SetString(PyExc_ValueError, "gain_loss_add wants start >= 0 and hop_n >= 1");
    } else {
        Py_BEGIN_ALLOW_THREADS
        gain_loss_add_f64((double *)loss.buf, loss.shape[0], (const double *)limit.buf,
                          limit.shape[0], start, hop_n);
        Py_END_ALLOW_THREADS
        result = Py_NewRef(Py_None);
    }
    PyBuffer_Release(&loss);
    PyBuffer_Release(&limit);
    return result;
}

static PyMethodDef methods[] = {
    {"sosfilt", sosfilt, METH_VARARGS,
     "sosfilt(sos, x, zi): filter x (n_signals, n_samples) in place through the sections "
     "sos (n_sections, 6) from the state zi (n_signals, n_sections, 2), updated in place; "
     "scipy's kernel arithmetic, float32 or float64."},
    {"fdn", fdn, METH_VARARGS,
     "fdn(buf, delays, gains, ratio, x): run the reverb's delay network over x (m,) in "
     "place in buf (n_lines, width), as moodc.synth.effects.Reverb._network's numpy loop."},
    {"echo", echo, METH_VARARGS,
     "echo(buf, x, delay, feedback, past_weight, prev_weight): the ping-pong echo's lines "
     "over x (m,) in place in buf (2, delay + 1 + m), as moodc.synth.effects.Echo's numpy "
     "loop."},
    {"fdn_out", fdn_out, METH_VARARGS,
     "fdn_out(buf, column, weights, last, out, out_column): the reverb's lines from column "
     "mixed to stereo by weights (2, lines) and interpolated to twice the rate into out "
     "from out_column, after the previous output last (2,); numpy's floats."},
    {"limiter_moving", limiter_moving, METH_VARARGS,
     "limiter_moving(smoothed, moving, exponent) -> m: the indices where smoothed != 0 into "
     "moving[:m] and -smoothed / 20.0 there into exponent[:m]; numpy's floats."},
    {"limiter_smooth", limiter_smooth, METH_VARARGS,
     "limiter_smooth(reduction_db, hold_n, lookahead_n, lead, out): the limiter's held and "
     "averaged reduction (float64 dB), as moodc.synth.master.limiter_gain's numpy steps."},
    {"tilt_width", tilt_width, METH_VARARGS,
     "tilt_width(x, last, c, tilt, a, b, out): (with tilt) Tilt's two-tap shelf on x (2, n) "
     "after the previous samples last (2,), then width_matrix's 2x2 product into "
     "interleaved out (n, 2); numpy's floats."},
    {"envelope_ramp", envelope_ramp, METH_VARARGS,
     "envelope_ramp(out, first, x0, slope, y0): out[j] = float32(((first + j) - x0) * slope "
     "+ y0), each step in float64: numpy's arange ramp of an ADSR piece, one pass."},
    {"crossfade_swell", crossfade_swell, METH_VARARGS,
     "crossfade_swell(low, high, g, fade, swell, floor): low = (low * (1 - g * fade) + high "
     "* g) * (g * swell + floor) in place, rows (channels, n), g (n,), float32, numpy's "
     "rounding."},
    {"sine_curve_mix", sine_curve_mix, METH_VARARGS,
     "sine_curve_mix(out_a, out_b, table, base, inc, shift, values, offset, control_n, gain_a, "
     "gain_b): tone = table[(base + j*inc) >> shift] times the float32 line between control "
     "points values, added into out_a times gain_a and out_b times gain_b; numpy's floats."},
    {"mix_in", mix_in, METH_VARARGS,
     "mix_in(acc, x, y, c): acc += x * c, or (x + y) * c when y is not empty, in place, "
     "float32, numpy's rounding."},
    {"reverb_send", reverb_send, METH_VARARGS,
     "reverb_send(x, delays, gains, scale, ext, out): the reverb's pair means of x (2m,) "
     "into ext after its h history samples, then the early-reflection taps over ext times "
     "scale into out (m,); numpy's floats."},
    {"uniform_noise", uniform_noise, METH_VARARGS,
     "uniform_noise(words, offset, scale, out): out (r, c) float32 = ((half >> 8) * 2**-24 "
     "- offset) * scale, two halves per uint64 word, low first (numpy's PCG64 float32 "
     "draws); numpy's floats."},
    {"upsample2", upsample2, METH_VARARGS,
     "upsample2(y, last, out): y (2, m) at twice the rate into out (2, 2m), each sample "
     "preceded by its mean with the one before (last (2,) before the first); numpy's "
     "floats."},
    {"add_scaled", add_scaled, METH_VARARGS,
     "add_scaled(out, offset, seg, gain_l, gain_r): out[:, offset:offset + len(seg)] += "
     "[[gain_l], [gain_r]] * seg, in place, float32, numpy's rounding."},
    {"scale_by_curve", scale_by_curve, METH_VARARGS,
     "scale_by_curve(row, values, offset, control_n): row *= the float32 curve linear between "
     "control points values (float64) every control_n samples, from offset, in place."},
    {"add_notes", add_notes, METH_VARARGS,
     "add_notes(out, offsets, segs, gains_l, gains_r, zero_first=False): add_scaled for every "
     "note of the lists in order, walking out (2, n) in cache-sized chunks; the same floats. "
     "zero_first: out is first set to +0.0 (np.zeros), a chunk at a time."},
    {"premix", premix, METH_VARARGS,
     "premix(stack, weights, out): out[:2] = stack.sum(axis=0) and out[2:] = the sends "
     "weights @ (stack[:, 0] + stack[:, 1]) summed in order, float32, in one pass."},
    {"ks_loop", ks_loop, METH_VARARGS,
     "ks_loop(y, taps, delay, start, stop): y[i] = sum_j taps[j] * y[i - delay - j] for "
     "start <= i < stop, in place, float32, numpy's rounding and order."},
    {"wavetable_add", wavetable_add, METH_VARARGS,
     "wavetable_add(out, table, base, inc, shift, start, control_n, gain): out += gain * "
     "table[phase >> shift] for the uint32 phases of a control plan (base, inc) from sample "
     "start, in place, float32, numpy's rounding."},
    {"pcg64_raw", pcg64_raw, METH_VARARGS,
     "pcg64_raw(state, out): numpy PCG64's random_raw(len(out)) into out; state (uint64[4]: "
     "state hi, lo, increment hi, lo) advanced in place"},
    {"tpdf_quantise", tpdf_quantise, METH_VARARGS,
     "tpdf_quantise(audio, words, scale, full_scale, shift, out): out = clip(rint(audio * "
     "scale + TPDF dither from the 32-bit halves of words)) << shift, moodc.audio_io."
     "quantise's float32 arithmetic in one pass."},
    {"pass1_filters", pass1_filters, METH_VARARGS,
     "pass1_filters(frames, dc_sos, dc_zi, fade, k_sos, k_zi, spilled, weighted): the DC "
     "blocker, the fade and the K-weighting of one (n, 2) block in one pass: spilled (n, 2) "
     "gets the faded mix, weighted (2, n) its K-weighting; states updated; float32, "
     "sosfilt's floats."},
    {"peak_candidates", peak_candidates, METH_VARARGS,
     "peak_candidates(audio, threshold, envelope, hot): envelope (n,) = the largest |audio| "
     "of each frame of audio (n, c) float32; hot (c, n) int64 rows begin with each channel's "
     "local maxima of |x| at or above threshold (in float32); returns their counts, or None "
     "when no frame reaches it."},
    {"limit_frames", limit_frames, METH_VARARGS,
     "limit_frames(frames, limit, envelope, out): out (n, 2) = frames * float32(limit), "
     "float32; returns max(envelope * limit) in float64 (the limited block's true peak)."},
    {"gain_loss_add", gain_loss_add, METH_VARARGS,
     "gain_loss_add(gain_loss, limit, start, hop_n): add each hop's in-order sum of "
     "1 - limit**2 (the block from sample start) to gain_loss, float64, in place."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_kernels",
    "The render's per-sample recursions, bit-identical to their numpy/scipy versions.",
    -1, methods,
};

PyMODINIT_FUNC PyInit__kernels(void)
{
    return PyModule_Create(&module);
}
