#ifndef SUPPORTKIT_CMINILMKERNELS_H
#define SUPPORTKIT_CMINILMKERNELS_H
/* Reduced-precision projections for the MiniLM forward pass: oneDNN matmul (bf16 x bf16 -> f32 on AVX-512 BF16,
   u8 x s8 -> s32 on AVX-512 VNNI) plus the AVX-512 kernels around it (activation conversion and per-row
   quantization, dequantization). The only code in supportkit that talks to oneDNN. */
#include <stddef.h>

/* CPU features the kernels need, as the CPU and the operating system report them (cpuid + xgetbv). */
int skmk_cpu_has_avx512_bf16(void);  /* avx512f, avx512bw, avx512vl and avx512_bf16 */
int skmk_cpu_has_avx512_vnni(void);  /* avx512f, avx512bw, avx512vl and avx512_vnni */

typedef enum {
    SKMK_PRECISION_BF16 = 1, /* weights and activations rounded to bf16 (nearest even), fp32 accumulation */
    SKMK_PRECISION_INT8 = 2  /* s8 weights with one scale per output channel, u8 activations with one scale per row */
} skmk_precision;

/* y[m, n] = x[m, k] * W^T for one weight matrix W [n, k] (PyTorch's [out, in] layout), converted once. */
typedef struct skmk_projection skmk_projection;

/* Converts `weights` (not kept) and creates the oneDNN primitive (M is a runtime dimension, so one primitive
   serves every chunk). int8 only: `input_scales` (k values, or NULL) smooths the activations' per-channel range
   into the weights, x W^T = (x / s)(W s)^T, so that a few large input channels do not coarsen every token's scale.
   Returns NULL and writes a message into `error` on failure. */
skmk_projection *skmk_projection_create(skmk_precision precision, const float *weights, int n, int k,
                                        const float *input_scales, char *error, size_t error_size);
void skmk_projection_destroy(skmk_projection *projection);
/* Bytes of scratch memory `skmk_projection_run` needs for `m` rows. */
size_t skmk_projection_scratch_bytes(const skmk_projection *projection, int m);
/* x: [m, k] fp32 rows, contiguous; y: [m, n] fp32, contiguous; scratch: at least scratch_bytes(m), 64-byte aligned.
   Runs on the calling thread only. Returns 0, or nonzero with a message in `error`. */
int skmk_projection_run(const skmk_projection *projection, int m, const float *x, float *y, void *scratch,
                        char *error, size_t error_size);

/* Kernels, exposed for tests against plain Swift references. */
/* bf16 bit patterns of `count` floats, rounded to nearest even (NaN stays NaN). Needs AVX-512 BF16. */
void skmk_convert_bf16(const float *x, unsigned short *out, size_t count);
/* Per row of v = x * multipliers (per column; NULL: all 1): scale = max |v| / 127 (1 when the row is zero),
   q = round(v / scale) + 128 in [1, 255]. */
void skmk_quantize_rows_u8(const float *x, int rows, int width, const float *multipliers, unsigned char *q,
                           float *scales);
/* The element-wise kernels of the reduced-precision forward pass, 16 lanes wide with FMA (the Swift ones in
   Kernels.swift are 8 lanes and build for any x86-64): the same polynomials (erf, exp), so they agree to rounding. */
/* x[r] = GELU(x[r] + bias), GELU(v) = v/2 (1 + erf(v/sqrt 2)), over `count` rows of `width` floats. */
void skmk_add_bias_gelu(float *x, int count, int width, const float *bias);
/* Softmax of each of `count` rows of `width` floats, rows `stride` apart, in place. */
void skmk_softmax_rows(float *x, int count, int width, int stride);
#endif
