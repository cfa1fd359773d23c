// ap_int.h: hlsq's implementation of the vendor's arbitrary-precision
// integer API (ap_int<W>, ap_uint<W>), written from the hlsq specification.
// Compile against the vendor's own headers instead with -I$AP_INCLUDE.
#ifndef HLSQ_AP_INT_H
#define HLSQ_AP_INT_H
#include "hlsq_ap_impl.h"
#endif
