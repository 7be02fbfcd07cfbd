/* string.h for the freestanding lwIP build (lwIP's sources include it). */
#ifndef LIB_NET_SHIM_STRING_H
#define LIB_NET_SHIM_STRING_H

#include "lib/libc/string.h"

#endif
