/* Fuzz target: MRZ text hygiene, parsing with and without OCR repair, the key input,
 * and the typed-value path. Checks a few invariants besides memory safety. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "verify/mrz.h"

static void check_invariants(const vfy_mrz *m)
{
    if (m->format == VFY_MRZ_UNKNOWN || m->line_count < 2 || m->line_count > 3)
        __builtin_trap();
    if (m->valid && m->error_count != 0)
        __builtin_trap();
    if (!m->valid && m->error_count == 0)
        __builtin_trap();
    if (m->error_count > VFY_MRZ_MAX_ERRORS || m->repair_count > VFY_MRZ_MAX_REPAIRS)
        __builtin_trap();
    for (unsigned i = 0; i < m->repair_count; i++)
        if (m->repairs[i].from == m->repairs[i].to)
            __builtin_trap();
    /* Every finding carries an MRZ status; a valid MRZ has only known codes. */
    for (unsigned i = 0; i < m->error_count && i < VFY_MRZ_MAX_ERRORS; i++)
        if (m->errors[i].status < VFY_E_MRZ_CHECK_DIGIT || m->errors[i].status > VFY_E_MRZ_STATE_CODE)
            __builtin_trap();
    if (m->valid && (!vfy_mrz_code_known(m->issuing_state) || !vfy_mrz_code_known(m->nationality) ||
                     !vfy_mrz_check_digits_ok(m)))
        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const vfy_mrz_options plain = { .today = { 2026, 11, 28 }, .repair = false };
    static const vfy_mrz_options repair = { .today = { 2026, 11, 28 }, .repair = true };
    vfy_mrz *m = malloc(sizeof *m);
    if (m == NULL)
        return 0;
    vfy_detail d;
    vfy_detail_clear(&d);
    char info[VFY_MRZ_KEY_INPUT_MAX];

    for (int pass = 0; pass < 2; pass++) {
        if (vfy_mrz_parse((const char *)data, size, pass ? &repair : &plain, m, &d) == VFY_OK) {
            check_invariants(m);
            (void)vfy_mrz_key_input(m, info, &d);
            (void)vfy_mrz_code_description(m->issuing_state);
        }
    }

    /* The same bytes as NUL-terminated lines, and as three typed values. */
    char *copy = malloc(size + 1);
    if (copy != NULL) {
        memcpy(copy, data, size);
        copy[size] = '\0';
        const char *lines[4] = { copy, "", "", "" };
        size_t count = 1;
        for (size_t i = 0; i < size && count < 4; i++) {
            if (copy[i] == '\n') {
                copy[i] = '\0';
                lines[count++] = copy + i + 1;
            }
        }
        if (vfy_mrz_parse_lines(lines, count, &repair, m, &d) == VFY_OK)
            check_invariants(m);
        (void)vfy_mrz_key_input_from(lines[0], lines[1 % count], lines[2 % count], info, &d);
        (void)vfy_mrz_check_digit(copy, strlen(copy));
        free(copy);
    }
    free(m);
    return 0;
}
