/* Releasing what the library returned to the caller. Everything vfy_free takes is
 * NUL-terminated text (JSON, PEM, checkpoints), and JSON can hold personal data (names,
 * the MRZ), so it is wiped before it is freed. Secrets the library returns (a rule-set
 * signing key) live in libsodium's guarded memory instead, released by vfy_free_secret. */
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

void vfy_free_secret(char *secret)
{
    sodium_free(secret);   /* wipes; NULL is a no-op */
}
