#include "CMiniLMKernels.h"

#include <immintrin.h>
#include <math.h>
#include <oneapi/dnnl/dnnl.h>
#include <oneapi/dnnl/dnnl_debug.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* libgomp's, oneDNN's threading runtime in Debian's build; declared rather than included because clang ships no
   omp.h, and weak so that nothing but oneDNN itself links it (it is loaded as oneDNN's dependency). */
extern void omp_set_num_threads(int count) __attribute__((weak));

#define AVX512_BF16 __attribute__((target("avx512f,avx512bw,avx512vl,avx512bf16")))
#define AVX512_BW __attribute__((target("avx512f,avx512bw,avx512vl")))

int skmk_cpu_has_avx512_bf16(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bf16");
}

int skmk_cpu_has_avx512_vnni(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vnni");
}

/* ---- Kernels ---- */

AVX512_BF16 void skmk_convert_bf16(const float *x, unsigned short *out, size_t count) {
    size_t index = 0;
    for (; index + 16 <= count; index += 16) {
        __m256bh value = _mm512_cvtneps_pbh(_mm512_loadu_ps(x + index));
        _mm256_storeu_si256((__m256i *)(out + index), (__m256i)value);
    }
    if (index < count) {
        __mmask16 mask = (__mmask16)((1u << (count - index)) - 1);
        __m256bh value = _mm512_cvtneps_pbh(_mm512_maskz_loadu_ps(mask, x + index));
        _mm256_mask_storeu_epi16(out + index, mask, (__m256i)value);
    }
}

/* x[c] * multipliers[c], or x[c] without multipliers. */
AVX512_BW static inline __m512 load_scaled(const float *x, const float *multipliers, int column) {
    __m512 value = _mm512_loadu_ps(x + column);
    return multipliers ? _mm512_mul_ps(value, _mm512_loadu_ps(multipliers + column)) : value;
}

AVX512_BW void skmk_quantize_rows_u8(const float *x, int rows, int width, const float *multipliers, unsigned char *q,
                                     float *scales) {
    const __m512i offset = _mm512_set1_epi32(128);
    for (int row = 0; row < rows; row++) {
        const float *xr = x + (size_t)row * width;
        unsigned char *qr = q + (size_t)row * width;
        __m512 largest = _mm512_setzero_ps();
        int column = 0;
        for (; column + 16 <= width; column += 16) {
            largest = _mm512_max_ps(largest, _mm512_abs_ps(load_scaled(xr, multipliers, column)));
        }
        float maximum = _mm512_reduce_max_ps(largest);
        for (int tail = column; tail < width; tail++) {
            maximum = fmaxf(maximum, fabsf(xr[tail] * (multipliers ? multipliers[tail] : 1.0f)));
        }
        float scale = maximum > 0 ? maximum / 127.0f : 1.0f;
        __m512 inverse = _mm512_set1_ps(1.0f / scale);
        scales[row] = scale;
        for (column = 0; column + 16 <= width; column += 16) {
            /* Round to nearest even (the default MXCSR mode); |x / scale| <= 127 (+ rounding) so 1...255 fits. */
            __m512i value = _mm512_add_epi32(_mm512_cvtps_epi32(_mm512_mul_ps(load_scaled(xr, multipliers, column), inverse)),
                                             offset);
            _mm_storeu_si128((__m128i *)(qr + column), _mm512_cvtusepi32_epi8(value));
        }
        for (; column < width; column++) {
            int value = (int)nearbyintf(xr[column] * (multipliers ? multipliers[column] : 1.0f) / scale) + 128;
            qr[column] = (unsigned char)(value < 0 ? 0 : value > 255 ? 255 : value);
        }
    }
}

/* y[r, c] = (acc[r, c] - compensation[c]) * row_scales[r] * column_scales[c] */
AVX512_BW static void dequantize(const int32_t *acc, int rows, int width, const int32_t *compensation,
                                 const float *row_scales, const float *column_scales, float *y) {
    for (int row = 0; row < rows; row++) {
        const int32_t *ar = acc + (size_t)row * width;
        float *yr = y + (size_t)row * width;
        __m512 row_scale = _mm512_set1_ps(row_scales[row]);
        int column = 0;
        for (; column + 16 <= width; column += 16) {
            __m512i value = _mm512_sub_epi32(_mm512_loadu_si512(ar + column), _mm512_loadu_si512(compensation + column));
            __m512 scale = _mm512_mul_ps(row_scale, _mm512_loadu_ps(column_scales + column));
            _mm512_storeu_ps(yr + column, _mm512_mul_ps(_mm512_cvtepi32_ps(value), scale));
        }
        for (; column < width; column++) {
            yr[column] = (float)(ar[column] - compensation[column]) * row_scales[row] * column_scales[column];
        }
    }
}

/* ---- oneDNN ---- */

static dnnl_engine_t engine;
static dnnl_status_t engine_status = dnnl_success;
static pthread_once_t engine_once = PTHREAD_ONCE_INIT;
static void create_engine(void) { engine_status = dnnl_engine_create(&engine, dnnl_cpu, 0); }

/* One stream per calling thread: oneDNN streams are not meant to be shared between threads. */
static __thread dnnl_stream_t thread_stream;

struct skmk_projection {
    skmk_precision precision;
    int n, k;
    dnnl_primitive_t primitive;
    dnnl_memory_t weights;
    void *weight_data;      /* bf16 or s8, [n, k] */
    float *scales;          /* int8: per output channel */
    int32_t *compensation;  /* int8: 128 * sum_k q[n, k], the u8 offset's contribution */
    float *input_inverse;   /* int8 with smoothing: 1 / s[k], applied to the activations */
};

static int fail(char *error, size_t size, const char *what, dnnl_status_t status) {
    if (error && size) snprintf(error, size, "oneDNN: %s failed: %s", what, dnnl_status2str(status));
    return 1;
}

#define TRY(call, what)                                                                                                \
    do {                                                                                                               \
        dnnl_status_t status_ = (call);                                                                                \
        if (status_ != dnnl_success) { fail(error, error_size, what, status_); goto failed; }                          \
    } while (0)

static size_t round64(size_t bytes) { return (bytes + 63) & ~(size_t)63; }

static unsigned short bf16_bits(float value) {
    uint32_t bits;
    memcpy(&bits, &value, 4);
    if ((bits & 0x7fffffffu) > 0x7f800000u) return (unsigned short)((bits >> 16) | 0x40); /* quiet NaN */
    return (unsigned short)((bits + 0x7fffu + ((bits >> 16) & 1u)) >> 16);
}

static void source_dims(const skmk_projection *p, int64_t m, dnnl_memory_desc_t *src, dnnl_memory_desc_t *dst) {
    dnnl_dims_t src_dims = {m, p->k}, dst_dims = {m, p->n};
    int bf16 = p->precision == SKMK_PRECISION_BF16;
    dnnl_memory_desc_init_by_tag(src, 2, src_dims, bf16 ? dnnl_bf16 : dnnl_u8, dnnl_ab);
    dnnl_memory_desc_init_by_tag(dst, 2, dst_dims, bf16 ? dnnl_f32 : dnnl_s32, dnnl_ab);
}

skmk_projection *skmk_projection_create(skmk_precision precision, const float *weights, int n, int k,
                                        const float *input_scales, char *error, size_t error_size) {
    pthread_once(&engine_once, create_engine);
    if (engine_status != dnnl_success) {
        fail(error, error_size, "creating the CPU engine", engine_status);
        return NULL;
    }
    skmk_projection *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    p->precision = precision;
    p->n = n;
    p->k = k;
    size_t count = (size_t)n * k;
    int bf16 = precision == SKMK_PRECISION_BF16;
    p->weight_data = aligned_alloc(64, round64(count * (bf16 ? 2 : 1)));
    if (!p->weight_data) goto failed;
    if (bf16) {
        unsigned short *w = p->weight_data;
        for (size_t index = 0; index < count; index++) w[index] = bf16_bits(weights[index]);
    } else {
        /* Symmetric per-output-channel scales: row r of W is output channel r. */
        int8_t *w = p->weight_data;
        p->scales = aligned_alloc(64, round64((size_t)n * sizeof(float)));
        p->compensation = aligned_alloc(64, round64((size_t)n * sizeof(int32_t)));
        if (!p->scales || !p->compensation) goto failed;
        if (input_scales) {
            p->input_inverse = aligned_alloc(64, round64((size_t)k * sizeof(float)));
            if (!p->input_inverse) goto failed;
            for (int column = 0; column < k; column++) p->input_inverse[column] = 1.0f / input_scales[column];
        }
        float *row_buffer = malloc((size_t)k * sizeof(float));
        if (!row_buffer) goto failed;
        for (int row = 0; row < n; row++) {
            /* W[n, c] * s[c]: the activations' range per input channel moves into the weights. */
            float *wr = row_buffer;
            for (int column = 0; column < k; column++) {
                wr[column] = weights[(size_t)row * k + column] * (input_scales ? input_scales[column] : 1.0f);
            }
            float maximum = 0;
            for (int column = 0; column < k; column++) maximum = fmaxf(maximum, fabsf(wr[column]));
            float scale = maximum > 0 ? maximum / 127.0f : 1.0f;
            int32_t sum = 0;
            for (int column = 0; column < k; column++) {
                int value = (int)nearbyintf(wr[column] / scale);
                value = value < -127 ? -127 : value > 127 ? 127 : value;
                w[(size_t)row * k + column] = (int8_t)value;
                sum += value;
            }
            p->scales[row] = scale;
            p->compensation[row] = 128 * sum;
        }
        free(row_buffer);
    }
    dnnl_memory_desc_t src, weight_md, dst;
    source_dims(p, DNNL_RUNTIME_DIM_VAL, &src, &dst);
    dnnl_dims_t weight_dims = {k, n};
    /* [k, n] stored n-major ("ba"): exactly PyTorch's [out, in] rows. */
    TRY(dnnl_memory_desc_init_by_tag(&weight_md, 2, weight_dims, bf16 ? dnnl_bf16 : dnnl_s8, dnnl_ba), "weights");
    dnnl_matmul_desc_t descriptor;
    TRY(dnnl_matmul_desc_init(&descriptor, &src, &weight_md, NULL, &dst), "describing the matmul");
    dnnl_primitive_desc_t primitive_desc;
    TRY(dnnl_primitive_desc_create(&primitive_desc, &descriptor, NULL, engine, NULL), "choosing a matmul kernel");
    dnnl_status_t status = dnnl_primitive_create(&p->primitive, primitive_desc);
    dnnl_primitive_desc_destroy(primitive_desc);
    TRY(status, "creating the matmul");
    TRY(dnnl_memory_create(&p->weights, &weight_md, engine, p->weight_data), "wrapping the weights");
    return p;
failed:
    skmk_projection_destroy(p);
    return NULL;
}

void skmk_projection_destroy(skmk_projection *p) {
    if (!p) return;
    if (p->primitive) dnnl_primitive_destroy(p->primitive);
    if (p->weights) dnnl_memory_destroy(p->weights);
    free(p->weight_data);
    free(p->scales);
    free(p->compensation);
    free(p->input_inverse);
    free(p);
}

size_t skmk_projection_scratch_bytes(const skmk_projection *p, int m) {
    if (p->precision == SKMK_PRECISION_BF16) return round64((size_t)m * p->k * 2);
    return round64((size_t)m * p->k) + round64((size_t)m * sizeof(float)) + round64((size_t)m * p->n * sizeof(int32_t));
}

int skmk_projection_run(const skmk_projection *p, int m, const float *x, float *y, void *scratch, char *error,
                        size_t error_size) {
    if (m <= 0) return 0;
    /* The caller's threads are the parallelism; oneDNN must not start a team of its own on top of them. */
    if (omp_set_num_threads) omp_set_num_threads(1);
    if (!thread_stream) {
        dnnl_status_t status = dnnl_stream_create(&thread_stream, engine, dnnl_stream_default_flags);
        if (status != dnnl_success) return fail(error, error_size, "creating a stream", status);
    }
    int bf16 = p->precision == SKMK_PRECISION_BF16;
    unsigned char *source = scratch;
    float *row_scales = NULL;
    int32_t *acc = NULL;
    if (bf16) {
        skmk_convert_bf16(x, (unsigned short *)source, (size_t)m * p->k);
    } else {
        row_scales = (float *)(source + round64((size_t)m * p->k));
        acc = (int32_t *)((unsigned char *)row_scales + round64((size_t)m * sizeof(float)));
        skmk_quantize_rows_u8(x, m, p->k, p->input_inverse, source, row_scales);
    }
    dnnl_memory_desc_t src_md, dst_md;
    source_dims(p, m, &src_md, &dst_md);
    dnnl_memory_t src = NULL, dst = NULL;
    int result = 1;
    TRY(dnnl_memory_create(&src, &src_md, engine, source), "wrapping the activations");
    TRY(dnnl_memory_create(&dst, &dst_md, engine, bf16 ? (void *)y : (void *)acc), "wrapping the output");
    dnnl_exec_arg_t args[3] = {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, p->weights}, {DNNL_ARG_DST, dst}};
    TRY(dnnl_primitive_execute(p->primitive, thread_stream, 3, args), "running the matmul");
    TRY(dnnl_stream_wait(thread_stream), "waiting for the matmul");
    if (!bf16) dequantize(acc, m, p->n, p->compensation, row_scales, p->scales, y);
    result = 0;
failed:
    if (src) dnnl_memory_destroy(src);
    if (dst) dnnl_memory_destroy(dst);
    return result;
}
