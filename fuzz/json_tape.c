/* Fuzz target: the JSON tape (core/json_tape.c) against jansson, the peer: they must
 * accept the same documents, read the same values and write the same compact text. */
#include <stdint.h>
#include <stdio.h>

#include "json_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int accepted;
    const char *why = json_tape_disagreement(data, size, &accepted);
    if (why != NULL) {
        fprintf(stderr, "json_tape: %s\n", why);
        __builtin_trap();
    }
    return 0;
}
