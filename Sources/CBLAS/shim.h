#ifndef SUPPORTKIT_CBLAS_SHIM_H
#define SUPPORTKIT_CBLAS_SHIM_H
#include <cblas.h>
#endif
