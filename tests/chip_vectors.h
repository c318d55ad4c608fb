/* Test helpers for the chip protocol tests: ICAO worked-example JSON files, a scripted
 * fake transport that replays a chip's answers, and an injectable deterministic rng. */
#ifndef VFY_TESTS_CHIP_VECTORS_H
#define VFY_TESTS_CHIP_VECTORS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/crypto.h"
#include "transport.h"

/* Loads ../shared/vectors/emrtd/NAME (skips the test when missing). Caller json_decref. */
json_t *vec_load(const char *name);
/* The hex string at a dotted path ("exchanges.1.do97") decoded; aborts if absent. */
uint8_t *vec_hex(json_t *root, const char *path, size_t *len);
/* The string at a dotted path; aborts if absent. */
const char *vec_str(json_t *root, const char *path);
/* Asserts that (got, got_len) equals the hex at path. */
void vec_expect(json_t *root, const char *path, const uint8_t *got, size_t got_len);

/* One expected command and the response to give. cmd NULL: accept any command. */
typedef struct fake_step {
    uint8_t *cmd;
    size_t cmd_len;
    uint8_t *rsp;
    size_t rsp_len;
} fake_step;

/* A transport that checks each command against the script and answers from it. */
typedef struct fake_transport {
    vfy_transport t;
    fake_step steps[64];
    size_t n_steps, next;
    size_t mismatches;
    char first_mismatch[512];
} fake_transport;

void fake_init(fake_transport *f, bool extended);
/* Adds a step from hex strings (cmd_hex NULL accepts any command). */
void fake_add_hex(fake_transport *f, const char *cmd_hex, const char *rsp_hex);
void fake_free(fake_transport *f);

/* An rng that returns queued byte strings in order (each request must match a queued
 * string's length). */
typedef struct script_rng {
    uint8_t *chunks[16];
    size_t lens[16];
    size_t n, next;
} script_rng;
void script_rng_add_hex(script_rng *r, const char *hex);
void script_rng_add(script_rng *r, const uint8_t *b, size_t n);
vfy_rng script_rng_as_rng(script_rng *r);
void script_rng_free(script_rng *r);

#endif
