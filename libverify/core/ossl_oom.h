/* Internal: telling OpenSSL's "out of memory" from "bad input". */
#ifndef VFY_CORE_OSSL_OOM_H
#define VFY_CORE_OSSL_OOM_H

#include <stdbool.h>

/*
 * OpenSSL says why a parser or a computation failed only in its thread's error queue.
 * Where a failure would otherwise read as a defect of the input (a certificate that is
 * "not DER", a point "not on the curve"), an exhausted allocator must be told apart, or
 * a trusted file is dropped, or a chip blamed, for the terminal's lack of memory.
 *
 * Empty the queue (ERR_clear_error) before the call, then, when it fails, ask this:
 * true when an allocation failure is in the queue. The queue is emptied either way.
 */
bool vfy_ossl_out_of_memory(void);

#endif
