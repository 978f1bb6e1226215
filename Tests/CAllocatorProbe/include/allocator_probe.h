#include <stddef.h>

// Bytes glibc's allocator has handed out and not yet freed (heap chunks plus mmap'd blocks).
// Swift's Glibc module does not export malloc.h, so the memory-estimate test reads it here.
size_t allocator_bytes_in_use(void);
