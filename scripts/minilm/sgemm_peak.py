#!/usr/bin/env python3
"""One core's sgemm ceiling with the OpenBLAS kernels the environment selects (numpy's bundled OpenBLAS).

Run it as is and with the kernel pin lifted, to see what each kernel set can give the embedding benchmark:
    .venv-ref/bin/python scripts/minilm/sgemm_peak.py
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE .venv-ref/bin/python scripts/minilm/sgemm_peak.py
Needs numpy and threadpoolctl (both in the benchmark's reference venv).
"""
import os
import time

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

N = 3072
a = np.random.rand(N, N).astype(np.float32)
b = np.random.rand(N, N).astype(np.float32)
with threadpool_limits(1):
    a @ b  # warm-up
    best = float("inf")
    for _ in range(4):
        start = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - start)
kernels = [f"{i.get('internal_api')} {i.get('version')} {i.get('architecture')}" for i in threadpool_info()]
print(f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')}: {', '.join(kernels)}: "
      f"{2 * N ** 3 / best / 1e9:.0f} GFLOP/s on one core ({N}x{N} sgemm, best of 4)")
