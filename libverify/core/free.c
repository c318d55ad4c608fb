/* Releasing what the library returned to the caller. Everything vfy_free takes is
 * NUL-terminated text (JSON, PEM, checkpoints), and JSON can hold personal data (names,
 * the MRZ), so it is wiped before it is freed. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "verify/common.h"

void vfy_free(void *p)
{
    if (p == NULL)
        return;
    sodium_memzero(p, strlen((const char *)p));
    free(p);
}
