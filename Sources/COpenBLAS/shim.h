// CBLAS from OpenBLAS, plus the two OpenBLAS extensions the runtime uses to report and set threads
// and to print which kernel family (core type) was picked at load time.
#include <cblas.h>
