#ifndef SUPPORTKIT_CBLAS_SHIM_H
#define SUPPORTKIT_CBLAS_SHIM_H
#include <cblas.h>

/* OpenBLAS's own: stops and joins its worker threads (it starts them again if a call ever needs them).
   Exported by every OpenBLAS build with threads; not declared in cblas.h. */
int blas_thread_shutdown_(void);
#endif
