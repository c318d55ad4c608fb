/* Telling OpenSSL's "out of memory" from "bad input"; see ossl_oom.h. */
#include <openssl/err.h>

#include "core/ossl_oom.h"

bool vfy_ossl_out_of_memory(void)
{
    bool oom = false;
    unsigned long e;
    while ((e = ERR_get_error()) != 0)
        oom |= ERR_GET_REASON(e) == ERR_R_MALLOC_FAILURE;
    return oom;
}
