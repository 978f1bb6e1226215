// The declaration in include/CFuzzDriver.h is all this module provides; libFuzzer (linked by
// -sanitize=fuzzer) defines the function. A C target needs one source file.
#include "CFuzzDriver.h"
