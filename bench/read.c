/* bench/read: a full read of the built-in specimen passport on the simulated chip (PACE,
 * AES-128 secure messaging) under three reader profiles, beside the least number of APDUs
 * each profile allows.
 *
 * The bound is computed here from the file sizes and the block limit, independently of
 * the library: PACE needs MSE:Set AT and four GENERAL AUTHENTICATE, the application one
 * SELECT, and a file of S bytes at least ceil(S / B) READ BINARY, where B is the largest
 * plain block whose AES-protected answer (DO'87' with padding, DO'99', DO'8E') fits in
 * the response the reader carries (65536 bytes with extended length, else 256). EF.CardAccess
 * is read in plain before PACE, in blocks of up to the reader's limit. */
#include <stdio.h>
#include <string.h>

#include "verify.h"
#include "verify/sim.h"

#define LINE1 "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
#define LINE2 "L898902C36UTO7408122F3404159ZE184226B<<<<<16"

/* Wire bytes of an AES-protected answer carrying n plain bytes. */
static size_t aes_protected(size_t n)
{
    size_t v = 1 + (n / 16 + 1) * 16;   /* padding indicator, ISO padding to the block */
    size_t len_field = v < 0x80 ? 1 : v < 0x100 ? 2 : 3;
    return 1 + len_field + v + 4 + 10;   /* DO'87', DO'99', DO'8E' */
}

static size_t largest_block(size_t wire)
{
    size_t n = wire;
    while (n > 0 && aes_protected(n) > wire)
        n--;
    return n;
}

static size_t ceil_div(size_t a, size_t b)
{
    return (a + b - 1) / b;
}

int main(void)
{
    if (vfy_sim_register(NULL) != VFY_OK) {   /* the reader "sim" is libverify-sim's */
        fprintf(stderr, "cannot register the simulated chip\n");
        return 1;
    }
    static const struct {
        const char *name;
        const char *conn;
        size_t wire;   /* largest response data field of the reader */
    } profiles[] = {
        { "extended length (64 KB)", "sim?reader=ext", 65536 },
        { "short APDUs only", "sim?reader=short", 256 },
        { "PN532 (~260-byte frames)", "sim?reader=pn532", 256 },
    };
    vfy_mrz mrz;
    vfy_access_key key;
    const char *text = LINE1 "\n" LINE2;
    if (vfy_mrz_parse(text, strlen(text), NULL, &mrz, NULL) != VFY_OK ||
        vfy_access_key_from_mrz(&mrz, &key, NULL) != VFY_OK) {
        fprintf(stderr, "bench/read: the specimen MRZ does not parse\n");
        return 1;
    }
    printf("%-26s %7s %7s %7s %10s %12s\n", "reader profile", "APDUs", "least", "ratio",
           "bytes", "link ms");
    int rc = 0;
    for (size_t p = 0; p < sizeof profiles / sizeof profiles[0]; p++) {
        vfy_session *s = NULL;
        vfy_document *doc = NULL;
        vfy_detail d = { 0 };
        if (vfy_document_new(&doc) != VFY_OK || vfy_session_open(profiles[p].conn, &s, &d) != VFY_OK ||
            vfy_session_read_document(s, &key, NULL, doc, &d) != VFY_OK) {
            fprintf(stderr, "bench/read: %s: %s\n", profiles[p].conn, d.message);
            vfy_session_close(s);
            vfy_document_free(doc);
            return 1;
        }
        vfy_read_stats st;
        vfy_session_stats(s, &st);
        size_t block = largest_block(profiles[p].wire);
        size_t least = 5 + 1;   /* PACE, SELECT of the application */
        for (int i = 1; i < VFY_FILE_COUNT; i++) {
            const uint8_t *data;
            size_t len;
            if (vfy_document_get_file(doc, (vfy_file_id)i, &data, &len) != VFY_OK)
                continue;
            least += ceil_div(len, i == VFY_FILE_CARD_ACCESS ? profiles[p].wire : block);
        }
        double ratio = (double)st.apdus / (double)least;
        printf("%-26s %7llu %7zu %7.3f %10llu %12.1f\n", profiles[p].name,
               (unsigned long long)st.apdus, least, ratio,
               (unsigned long long)(st.bytes_sent + st.bytes_received),
               (double)st.simulated_us / 1000.0);
        if (ratio > 1.05) {
            fprintf(stderr, "bench/read: %s is %.1f%% above the least number of APDUs\n",
                    profiles[p].name, (ratio - 1) * 100);
            rc = 1;
        }
        vfy_session_close(s);
        vfy_document_free(doc);
    }
    vfy_access_key_wipe(&key);
    printf("(block: %zu plain bytes per READ BINARY with extended length, %zu with short APDUs)\n",
           largest_block(65536), largest_block(256));
    return rc;
}
