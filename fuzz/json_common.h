/* Shared by fuzz/json_tape.c and tests/test_json_tape.c (fuzz/json_common.c). */
#ifndef VFY_FUZZ_JSON_COMMON_H
#define VFY_FUZZ_JSON_COMMON_H

#include <stddef.h>
#include <stdint.h>

/* Reads (data, len) with the library's JSON tape and with jansson, the peer
 * (JSON_REJECT_DUPLICATES, depth at most 8, no NUL byte), and says how they disagree:
 * one accepts what the other refuses, the values differ (types, integers, strings,
 * members in order), or the tape's compact text is not jansson's json_dumps(
 * JSON_COMPACT | JSON_ENCODE_ANY). NULL when they agree; *accepted says whether both
 * accepted. */
const char *json_tape_disagreement(const uint8_t *data, size_t len, int *accepted);

#endif
