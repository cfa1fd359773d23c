// ap_fixed.h: hlsq's implementation of the vendor's arbitrary-precision
// fixed-point API (ap_fixed<W,I,Q,O,N>, ap_ufixed<W,I,Q,O,N>), written from
// the hlsq specification. Compile against the vendor's own headers instead
// with -I$AP_INCLUDE.
#ifndef HLSQ_AP_FIXED_H
#define HLSQ_AP_FIXED_H
#include "ap_int.h"
#endif
