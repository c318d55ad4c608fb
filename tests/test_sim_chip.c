/* The simulated chip answered APDU by APDU, as a card: selection, READ BINARY in all
 * its forms, access conditions, and the profile's quirks and faults. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <unistd.h>

#include "sim/sim_chip.h"
#include "support.h"

/* EF.COM of ICAO 9303-11 appendix D.4; the specimen's EF.COM has the same bytes. */
static const char *d4_ef_com = "60145F0104303130375F36063034303030305C026175";
/* The built-in specimen's EF.COM: D.4's (LDS 1.7, Unicode 4.0.0) with the tag list of the
 * data groups it holds (DG1, DG2, DG11, DG12, DG14, DG15), so that a read warns of none. */
static const char *specimen_ef_com = "60185F0104303130375F36063034303030305C0661756B6C6E6F";
static const char *specimen_mrz = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
                                  "L898902C36UTO7408122F3404159ZE184226B<<<<<16";

static uint8_t resp[70000];
static size_t rlen;

static unsigned tx(vfy_sim_chip *c, const char *hex)
{
    size_t n;
    uint8_t *cmd = hex_decode(hex, &n);
    cr_assert_eq(vfy_sim_chip_transceive(c, cmd, n, resp, sizeof resp, &rlen), VFY_OK, "%s", hex);
    free(cmd);
    cr_assert_geq(rlen, 2);
    return (unsigned)(resp[rlen - 2] << 8 | resp[rlen - 1]);
}

static vfy_sim_chip *chip(const char *spec)
{
    vfy_sim_chip *c = NULL;
    vfy_detail d = { 0 };
    cr_assert_eq(vfy_sim_chip_new(spec, &c, &d), VFY_OK, "%s: %s", spec, d.message);
    return c;
}

Test(sim_chip, plain_select_and_read_ef_com_and_dg1)
{
    vfy_sim_chip *c = chip("?bac=off&pace=off");
    cr_assert_eq(tx(c, "00A4040C07A0000002471001"), 0x9000);
    cr_assert_eq(tx(c, "00A4020C02011E"), 0x9000);
    cr_assert_eq(tx(c, "00B0000004"), 0x9000);
    size_t n;
    uint8_t *want = hex_decode(specimen_ef_com, &n);
    cr_assert_eq(n, 26);
    cr_assert_eq(rlen, 6);
    cr_assert_eq(memcmp(resp, want, 4), 0);
    cr_assert_eq(tx(c, "00B0000416"), 0x9000);
    cr_assert_eq(rlen, 0x16 + 2);
    cr_assert_eq(memcmp(resp, want + 4, 0x16), 0);
    free(want);
    /* DG1 by short EF identifier: P1 = 0x80 | 0x01 */
    cr_assert_eq(tx(c, "00B0810000"), 0x9000);
    cr_assert_eq(rlen, 93 + 2);
    cr_assert_eq(resp[0], 0x61);
    cr_assert_eq(memcmp(resp + 5, specimen_mrz, 88), 0);
    vfy_sim_chip_free(c);
}

Test(sim_chip, access_control_refuses_plain_reads)
{
    vfy_sim_chip *c = chip("");
    cr_assert_eq(tx(c, "00A4040C07A0000002471001"), 0x9000);
    cr_assert_eq(tx(c, "00A4020C02011E"), 0x6982);
    cr_assert_eq(tx(c, "00B0810000"), 0x6982);
    /* EF.CardAccess is free to read, from the master file */
    cr_assert_eq(tx(c, "00A4000C023F00"), 0x9000);
    cr_assert_eq(tx(c, "00B09C0000"), 0x9000);
    cr_assert_eq(rlen, 22 + 2);
    cr_assert_eq(resp[0], 0x31);
    /* its PACEInfo: id-PACE-ECDH-GM-AES-CBC-CMAC-128, version 2, brainpoolP256r1 (13) */
    size_t n;
    uint8_t *want = hex_decode("3114301206 0A 04007F00070202040202 020102 02010D", &n);
    cr_assert_eq(memcmp(resp, want, n), 0);
    free(want);
    vfy_sim_chip_free(c);
}

Test(sim_chip, odd_read_binary_with_large_offset)
{
    vfy_sim_chip *c = chip("?bac=off&pace=off");
    cr_assert_eq(tx(c, "00A4040C07A0000002471001"), 0x9000);
    uint8_t dg2_by_b0[16];
    cr_assert_eq(tx(c, "00A4020C020102"), 0x9000);
    cr_assert_eq(tx(c, "00B0700010"), 0x9000);            /* offset 0x7000 = 28672 */
    memcpy(dg2_by_b0, resp, 16);
    /* B1 addressed by SFI 02, DO'54 offset 0x7000: answer in DO'53 */
    cr_assert_eq(tx(c, "00B100020454027000" "12"), 0x9000);
    cr_assert_eq(resp[0], 0x53);
    cr_assert_eq(resp[1], 0x10);
    cr_assert_eq(memcmp(resp + 2, dg2_by_b0, 16), 0);
    /* the current file, three-byte offset, Le 256: DO'53 81 FD and 253 bytes */
    cr_assert_eq(tx(c, "00B10000 0554 03 007000 00"), 0x9000);
    cr_assert_eq(rlen, 256 + 2);
    cr_assert_eq(memcmp(resp, "\x53\x81\xFD", 3), 0);
    cr_assert_eq(memcmp(resp + 3, dg2_by_b0, 16), 0);
    vfy_sim_chip_free(c);
}

Test(sim_chip, end_of_file_and_beyond)
{
    vfy_sim_chip *c = chip("?bac=off&pace=off");
    cr_assert_eq(tx(c, "00A4040C07A0000002471001"), 0x9000);
    cr_assert_eq(tx(c, "00B09E0000"), 0x9000);     /* EF.COM, Le 256: the 26 bytes */
    cr_assert_eq(rlen, 26 + 2);
    cr_assert_eq(tx(c, "00B0001A00"), 0x6B00);     /* offset 26 = end */
    vfy_sim_chip_free(c);
    c = chip("?bac=off&pace=off&eof=6282");
    cr_assert_eq(tx(c, "00A4040C07A0000002471001"), 0x9000);
    cr_assert_eq(tx(c, "00B09E0000"), 0x6282);
    cr_assert_eq(rlen, 26 + 2);
    vfy_sim_chip_free(c);
}

Test(sim_chip, malformed_commands_and_limits)
{
    vfy_sim_chip *c = chip("?bac=off&pace=off&ext=off&max_le=100");
    cr_assert_eq(tx(c, "00A4"), 0x6700);                         /* not an APDU */
    cr_assert_eq(tx(c, "00A4040C08A0000002471001"), 0x6700);     /* Lc beyond the data */
    cr_assert_eq(tx(c, "00A4040C07A0000002471001"), 0x9000);
    cr_assert_eq(tx(c, "00B08200000200"), 0x6700);               /* extended length refused */
    cr_assert_eq(tx(c, "00B0820000"), 0x6700);                   /* 256 > max_le 100 */
    cr_assert_eq(tx(c, "00B0820064"), 0x9000);
    cr_assert_eq(rlen, 100 + 2);
    cr_assert_eq(tx(c, "00EE000000"), 0x6D00);
    cr_assert_eq(tx(c, "0CB0820064"), 0x6882);                   /* SM without a session */
    vfy_sim_chip_free(c);
}

Test(sim_chip, card_access_quirks)
{
    static const struct { const char *spec; unsigned sw; } q[] = {
        { "?cardaccess=absent", 0x6A82 },
        { "?cardaccess=6a86", 0x6A86 },
        { "?cardaccess=6d00", 0x6D00 },
        { "?pace=off", 0x6A82 },
    };
    for (size_t i = 0; i < sizeof q / sizeof q[0]; i++) {
        vfy_sim_chip *c = chip(q[i].spec);
        cr_assert_eq(tx(c, "00A4020C02011C"), q[i].sw, "%s", q[i].spec);
        vfy_sim_chip_free(c);
    }
}

Test(sim_chip, get_response_chains_every_answer)
{
    vfy_sim_chip *c = chip("?bac=off&pace=off&get_response=40");
    cr_assert_eq(tx(c, "00A4040C07A0000002471001"), 0x9000);
    cr_assert_eq(tx(c, "00B0810000"), 0x615D);         /* 93 bytes wait */
    cr_assert_eq(tx(c, "00C0000000"), 0x6135);         /* 40 given, 53 left */
    cr_assert_eq(rlen, 42);
    cr_assert_eq(resp[0], 0x61);
    cr_assert_eq(tx(c, "00C0000000"), 0x610D);
    cr_assert_eq(tx(c, "00C0000000"), 0x9000);
    cr_assert_eq(rlen, 13 + 2);
    cr_assert_eq(memcmp(resp + 13 - 2, "16", 2), 0);    /* the MRZ's last characters */
    vfy_sim_chip_free(c);
}

Test(sim_chip, card_removed_after_n_apdus)
{
    vfy_sim_chip *c = chip("?bac=off&pace=off&remove_after=2");
    cr_assert_eq(tx(c, "00A4040C07A0000002471001"), 0x9000);
    cr_assert_eq(tx(c, "00A4020C02011E"), 0x9000);
    uint8_t cmd[] = { 0x00, 0xB0, 0x00, 0x00, 0x04 };
    cr_assert_eq(vfy_sim_chip_transceive(c, cmd, sizeof cmd, resp, sizeof resp, &rlen),
                 VFY_E_CARD_REMOVED);
    cr_assert(vfy_sim_chip_removed(c));
    vfy_sim_chip_free(c);
}

Test(sim_chip, status_word_of_choice_and_truncation)
{
    vfy_sim_chip *c = chip("?bac=off&pace=off&sw=6A88&sw_at=2&truncate=3&trunc_at=50");
    cr_assert_eq(tx(c, "00A4040C07A0000002471001"), 0x9000);
    cr_assert_eq(tx(c, "00A4020C02011E"), 0x6A88);
    uint8_t cmd[] = { 0x00, 0xB0, 0x81, 0x00, 0x00 };
    cr_assert_eq(vfy_sim_chip_transceive(c, cmd, sizeof cmd, resp, sizeof resp, &rlen), VFY_OK);
    cr_assert_eq(rlen, 1, "the link broke after one byte");
    cr_assert_eq(tx(c, "00B0810000"), 0x9000);
    cr_assert_eq(rlen, 52, "silently cut at 50 data bytes");
    vfy_sim_chip_free(c);
}

Test(sim_chip, bad_options_are_refused)
{
    static const char *bad[] = { "?pace=maybe", "?nosuch=1", "?max_le=9", "?sw=9000", "?sw=61ff",
                                 "?bad_tlv=DG17", "?param=5", "?mapping=im&param=0", "?mapping=im&param=10", "x",
                                 "?pace", "?&", ":", "?can=12345" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        vfy_sim_chip *c = NULL;
        vfy_detail d = { 0 };
        cr_assert_eq(vfy_sim_chip_new(bad[i], &c, &d), VFY_E_BAD_CONNECTION, "%s", bad[i]);
        cr_assert_null(c);
        cr_assert_neq(d.message[0], '\0');
    }
    vfy_sim_chip *c = NULL;
    vfy_detail d = { 0 };
    cr_assert_eq(vfy_sim_chip_new(":/nonexistent/dump", &c, &d), VFY_E_IO, "%s", d.message);
}

Test(sim_chip, oversized_tlv_length)
{
    vfy_sim_chip *c = chip("?bac=off&pace=off&bad_tlv=DG1");
    cr_assert_eq(tx(c, "00A4040C07A0000002471001"), 0x9000);
    cr_assert_eq(tx(c, "00B0810005"), 0x9000);
    size_t n;
    uint8_t *want = hex_decode("6183FFFFFF", &n);
    cr_assert_eq(memcmp(resp, want, n), 0);
    free(want);
    vfy_sim_chip_free(c);
}

Test(sim_chip, serves_a_dump_folder)
{
    char dir[64];
    tmpdir_make("sim-dump", dir, sizeof dir);
    char path[512];
    snprintf(path, sizeof path, "%s/EF_COM.bin", dir);
    FILE *f = fopen(path, "wb");
    size_t n;
    uint8_t *com = hex_decode(d4_ef_com, &n);
    fwrite(com, 1, n, f);
    fclose(f);
    char spec[600];
    snprintf(spec, sizeof spec, ":%s?bac=off&pace=off", dir);
    vfy_sim_chip *c = chip(spec);
    cr_assert_eq(tx(c, "00A4040C07A0000002471001"), 0x9000);
    cr_assert_eq(tx(c, "00B09E0000"), 0x9000);
    cr_assert_eq(rlen, n + 2);
    cr_assert_eq(memcmp(resp, com, n), 0);
    cr_assert_eq(tx(c, "00B0810000"), 0x6A82);     /* no DG1 in that folder */
    vfy_sim_chip_free(c);
    free(com);
    remove(path);
    rmdir(dir);
}
