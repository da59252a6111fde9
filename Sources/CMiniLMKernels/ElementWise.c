#include "CMiniLMKernels.h"

#include <immintrin.h>

#define AVX512 __attribute__((target("avx512f,fma")))

/* erf on [-4, 4] (±1 in float beyond): the rational approximation Kernels.erf uses. */
AVX512 static inline __m512 erf16(__m512 input) {
    __m512 x = _mm512_min_ps(_mm512_max_ps(input, _mm512_set1_ps(-4.0f)), _mm512_set1_ps(4.0f));
    __m512 x2 = _mm512_mul_ps(x, x);
    __m512 p = _mm512_fmadd_ps(x2, _mm512_set1_ps(-2.72614225801306e-10f), _mm512_set1_ps(2.77068142495902e-08f));
    p = _mm512_fmadd_ps(x2, p, _mm512_set1_ps(-2.10102402082508e-06f));
    p = _mm512_fmadd_ps(x2, p, _mm512_set1_ps(-5.69250639462346e-05f));
    p = _mm512_fmadd_ps(x2, p, _mm512_set1_ps(-7.34990630326855e-04f));
    p = _mm512_fmadd_ps(x2, p, _mm512_set1_ps(-2.95459980854025e-03f));
    p = _mm512_fmadd_ps(x2, p, _mm512_set1_ps(-1.60960333262415e-02f));
    p = _mm512_mul_ps(x, p);
    __m512 q = _mm512_fmadd_ps(x2, _mm512_set1_ps(-1.45660718464996e-05f), _mm512_set1_ps(-2.13374055278905e-04f));
    q = _mm512_fmadd_ps(x2, q, _mm512_set1_ps(-1.68282697438203e-03f));
    q = _mm512_fmadd_ps(x2, q, _mm512_set1_ps(-7.37332916720468e-03f));
    q = _mm512_fmadd_ps(x2, q, _mm512_set1_ps(-1.42647390514189e-02f));
    return _mm512_div_ps(p, q);
}

/* e^x, the range reduction and polynomial Kernels.exp uses. */
AVX512 static inline __m512 exp16(__m512 input) {
    __m512 x = _mm512_min_ps(_mm512_max_ps(input, _mm512_set1_ps(-87.3f)), _mm512_set1_ps(88.3f));
    __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)),
                                    _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
    r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
    __m512 p = _mm512_set1_ps(1.9875691500e-4f);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
    __m512 e = _mm512_add_ps(_mm512_fmadd_ps(p, _mm512_mul_ps(r, r), r), _mm512_set1_ps(1.0f));
    return _mm512_scalef_ps(e, n);
}

AVX512 void skmk_add_bias_gelu(float *x, int count, int width, const float *bias) {
    const __m512 half = _mm512_set1_ps(0.5f), one = _mm512_set1_ps(1.0f);
    const __m512 inverse_sqrt2 = _mm512_set1_ps(0.70710678118654752f);
    for (int row = 0; row < count; row++) {
        float *xr = x + (long)row * width;
        for (int column = 0; column < width; column += 16) {
            __mmask16 mask = width - column >= 16 ? 0xffff : (__mmask16)((1u << (width - column)) - 1);
            __m512 value = _mm512_add_ps(_mm512_maskz_loadu_ps(mask, xr + column), _mm512_maskz_loadu_ps(mask, bias + column));
            __m512 gelu = _mm512_mul_ps(_mm512_mul_ps(half, value), _mm512_add_ps(one, erf16(_mm512_mul_ps(value, inverse_sqrt2))));
            _mm512_mask_storeu_ps(xr + column, mask, gelu);
        }
    }
}

AVX512 void skmk_softmax_rows(float *x, int count, int width, int stride) {
    for (int row = 0; row < count; row++) {
        float *xr = x + (long)row * stride;
        __m512 maximum = _mm512_set1_ps(-__builtin_inff());
        for (int column = 0; column < width; column += 16) {
            __mmask16 mask = width - column >= 16 ? 0xffff : (__mmask16)((1u << (width - column)) - 1);
            maximum = _mm512_mask_max_ps(maximum, mask, maximum, _mm512_maskz_loadu_ps(mask, xr + column));
        }
        __m512 row_maximum = _mm512_set1_ps(_mm512_reduce_max_ps(maximum));
        __m512 sum = _mm512_setzero_ps();
        for (int column = 0; column < width; column += 16) {
            __mmask16 mask = width - column >= 16 ? 0xffff : (__mmask16)((1u << (width - column)) - 1);
            __m512 e = exp16(_mm512_sub_ps(_mm512_maskz_loadu_ps(mask, xr + column), row_maximum));
            _mm512_mask_storeu_ps(xr + column, mask, e);
            sum = _mm512_mask_add_ps(sum, mask, sum, e);
        }
        __m512 inverse = _mm512_set1_ps(1.0f / _mm512_reduce_add_ps(sum));
        for (int column = 0; column < width; column += 16) {
            __mmask16 mask = width - column >= 16 ? 0xffff : (__mmask16)((1u << (width - column)) - 1);
            _mm512_mask_storeu_ps(xr + column, mask, _mm512_mul_ps(_mm512_maskz_loadu_ps(mask, xr + column), inverse));
        }
    }
}
