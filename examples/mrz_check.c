/*
 * The smallest use of libverify: check a machine-readable zone from an optical reader.
 *
 *   cc mrz_check.c $(pkg-config --cflags --libs libverify) -o mrz_check
 *   ./mrz_check 'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<' \
 *               'L898902C36UTO7408122F1204159ZE184226B<<<<<10'
 */
#include <stdio.h>
#include <string.h>
#include <verify.h>

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: %s LINE1 LINE2 [LINE3]\n", argv[0]);
        return 2;
    }
    vfy_mrz_options options = { .repair = true }; /* reference date: today */
    vfy_mrz mrz;
    vfy_detail detail = { 0 };
    vfy_status s = vfy_mrz_parse_lines((const char *const *)argv + 1, (size_t)argc - 1, &options,
                                       &mrz, &detail);
    if (s != VFY_OK) {
        fprintf(stderr, "%s: %s (line %u, column %u)\n", vfy_status_name(s), detail.message,
                detail.line, detail.column);
        return 2;
    }
    printf("%s %s, %s %s, document %s, born %04d-%02d-%02d: %s\n", vfy_mrz_format_name(mrz.format),
           mrz.issuing_state, mrz.surname, mrz.given_names, mrz.document_number,
           mrz.birth_date.year, mrz.birth_date.month, mrz.birth_date.day,
           mrz.valid ? "all check digits valid" : "INVALID");
    for (unsigned i = 0; i < mrz.error_count; i++)
        printf("  %s (line %u, column %u): %s\n", mrz.errors[i].field, mrz.errors[i].line,
               mrz.errors[i].column, mrz.errors[i].message);
    for (unsigned i = 0; i < mrz.repair_count; i++)
        printf("  repaired %s: '%c' -> '%c' at line %u, column %u\n", mrz.repairs[i].field,
               mrz.repairs[i].from, mrz.repairs[i].to, mrz.repairs[i].line, mrz.repairs[i].column);

    /* The access key for BAC or PACE, ready for the chip. It is a secret: wipe it. */
    char key[VFY_MRZ_KEY_INPUT_MAX];
    if (vfy_mrz_key_input(&mrz, key, &detail) == VFY_OK)
        printf("access key input ready (%zu characters)\n", strlen(key));
    memset(key, 0, sizeof key);
    return mrz.valid ? 0 : 1;
}
