/*
 * Internal to libverify-sim/sim: the chip's state shared by its command handlers (sim_chip.c
 * dispatches; sim_files.c loads the passport; sim_sm.c, sim_bac.c, sim_pace.c and
 * sim_auth.c implement the protocols). Nothing outside libverify-sim/sim includes this (the tests and fuzzers aside).
 */
#ifndef VFY_HW_SIM_INTERNAL_H
#define VFY_HW_SIM_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/sim_chip.h"
#include "sim/sim_profile.h"

#define SIM_FILES 21             /* indexed like vfy_file_id: 1..16 DGs, 17 COM, 18 SOD, 19 CA, 20 CS */
#define SIM_FILE_COM 17
#define SIM_FILE_SOD 18
#define SIM_FILE_CARD_ACCESS 19
#define SIM_FILE_CARD_SECURITY 20
#define SIM_RESP_MAX (65536 + 128)

/* Status words the chip answers with (ISO/IEC 7816-4). */
#define SW_OK 0x9000
#define SW_EOF 0x6282
#define SW_AUTH_FAILED 0x6300
#define SW_WRONG_LENGTH 0x6700
#define SW_SM_NOT_SUPPORTED 0x6882
#define SW_SECURITY_STATUS 0x6982
#define SW_AUTH_BLOCKED 0x6983
#define SW_CONDITIONS 0x6985
#define SW_NO_CURRENT_EF 0x6986
#define SW_SM_MISSING_DO 0x6987
#define SW_SM_BAD_DO 0x6988
#define SW_WRONG_DATA 0x6A80
#define SW_NOT_FOUND 0x6A82
#define SW_WRONG_P1P2 0x6A86
#define SW_REF_NOT_FOUND 0x6A88
#define SW_WRONG_OFFSET 0x6B00
#define SW_INS_UNKNOWN 0x6D00
#define SW_CLA_UNKNOWN 0x6E00
#define SW_UNKNOWN 0x6F00

struct sim_file {
    uint8_t *data;
    size_t len;
};

/* One decoded command APDU (cases 1 to 4, short or extended). */
struct sim_apdu {
    uint8_t cla, ins, p1, p2;
    const uint8_t *data;
    size_t lc;
    size_t le;          /* 0: no Le; else 1..65536 */
    bool extended;
};

struct sim_resp {
    uint8_t *data;      /* SIM_RESP_MAX bytes owned by the chip */
    size_t len;
    uint16_t sw;
};

enum sim_sm_cipher { SIM_SM_NONE = 0, SIM_SM_3DES, SIM_SM_AES };

/* The secure-messaging session (keys in guarded memory while open). */
struct sim_sm {
    enum sim_sm_cipher cipher;
    size_t key_len;         /* 16 for 3DES (two keys), 16/24/32 for AES */
    uint8_t *keys;          /* guarded: enc key then mac key, key_len each */
    uint8_t ssc[16];        /* 8 bytes used for 3DES */
};

enum sim_df { SIM_DF_MF = 0, SIM_DF_APP };

struct sim_pace_state;
struct sim_auth_state;

struct vfy_sim_chip {
    struct sim_profile p;
    struct sim_file files[SIM_FILES];

    /* Session state, wiped by a reset. */
    enum sim_df df;
    int current_ef;                 /* file index, or 0 for none */
    bool challenge_valid;
    uint8_t rnd_ic[8];
    struct sim_sm sm;
    bool access_granted;            /* BAC or PACE completed in this session */
    struct sim_pace_state *pace;    /* sim_pace.c */
    struct sim_auth_state *auth;    /* sim_auth.c (Active/Chip Authentication) */

    /* Chained answer awaiting GET RESPONSE (profile get_response). */
    uint8_t *pending;
    size_t pending_len, pending_pos;

    /* Counters, never reset: they drive the faults. */
    uint64_t apdus;
    bool removed;
    uint64_t busy_us;
    uint64_t random_state;          /* deterministic randomness for challenges and nonces */
    const uint8_t *scripted_random; /* tests: bytes served first (a worked example's values) */
    size_t scripted_len, scripted_pos;

    char mrz_key[48];               /* the BAC/PACE password from DG1, "" if DG1 has no MRZ */

    uint8_t *resp_buf;              /* SIM_RESP_MAX */
    uint8_t *cmd_buf;               /* SIM_RESP_MAX: an unwrapped command's data */
};

typedef void (*sim_handler)(vfy_sim_chip *c, const struct sim_apdu *a, struct sim_resp *r);

/* The command table: one entry per instruction (and P1/P2 where they pick the command).
 * p1p2_mask 0 matches any P1/P2. Protocol files add their lines in sim_chip.c. */
struct sim_command {
    uint8_t ins;
    uint16_t p1p2, p1p2_mask;
    bool needs_access;              /* refused with 6982 until BAC or PACE succeeded */
    sim_handler handler;
};

/* sim_apdu.c: decodes a command APDU through the bounded cursor. */
VFY_NODISCARD vfy_status sim_apdu_parse(const uint8_t *cmd, size_t len, struct sim_apdu *out);

/* sim_files.c: loads the passport (folder or built-in specimen), applies bad_tlv. */
VFY_NODISCARD vfy_status sim_files_load(vfy_sim_chip *c, vfy_detail *d);
void sim_files_free(vfy_sim_chip *c);
/* Index of the file with that FID in the current DF, or 0. */
int sim_file_by_fid(const vfy_sim_chip *c, uint16_t fid);
int sim_file_by_sfi(const vfy_sim_chip *c, uint8_t sfi);
/* EF.CardAccess generated for the profile's PACE choice, into buf; returns its length. */
size_t sim_card_access_encode(const struct sim_profile *p, uint8_t *buf, size_t cap);

/* Deterministic random bytes (the simulation must replay exactly). */
void sim_random(vfy_sim_chip *c, uint8_t *out, size_t n);

/* sim_chip.c */
void sim_resp_set(struct sim_resp *r, const uint8_t *data, size_t len, uint16_t sw);

/* sim_sm.c: chip-side secure messaging. */
void sim_sm_close(struct sim_sm *sm);
/* Advances the SSC n times. */
void sim_sm_skip(struct sim_sm *sm, unsigned n);
/* Opens a session with fresh keys and the initial SSC. */
VFY_NODISCARD vfy_status sim_sm_open(struct sim_sm *sm, enum sim_sm_cipher cipher,
                                     const uint8_t *kenc, const uint8_t *kmac, size_t key_len,
                                     const uint8_t *ssc);
/* Unwraps a protected command into `inner` (data copied into buf); returns an SW
 * other than SW_OK when the command is refused (session then closed). */
uint16_t sim_sm_unwrap(struct sim_sm *sm, const struct sim_apdu *a, struct sim_apdu *inner,
                       uint8_t *buf, size_t cap);
/* Wraps the response r in place (DO87 or, for odd instructions, DO85; DO99; DO8E). */
VFY_NODISCARD vfy_status sim_sm_wrap(struct sim_sm *sm, struct sim_resp *r, bool odd_ins,
                                     bool corrupt_mac);
/* Bytes the wrapped form of a `plain`-byte answer takes. */
size_t sim_sm_wrapped_len(const struct sim_sm *sm, size_t plain, bool odd_ins);

/* sim_chip.c: BAC or PACE succeeded: secure messaging starts (with the profile's SSC skew). */
VFY_NODISCARD vfy_status sim_session_start(vfy_sim_chip *c, enum sim_sm_cipher cipher,
                                           const uint8_t *kenc, const uint8_t *kmac,
                                           size_t key_len, const uint8_t *ssc);

/* Protocol handlers. */
void sim_get_challenge(vfy_sim_chip *c, const struct sim_apdu *a, struct sim_resp *r);
void sim_mutual_authenticate(vfy_sim_chip *c, const struct sim_apdu *a, struct sim_resp *r);
void sim_mse(vfy_sim_chip *c, const struct sim_apdu *a, struct sim_resp *r);
void sim_general_authenticate(vfy_sim_chip *c, const struct sim_apdu *a, struct sim_resp *r);
void sim_pace_reset(vfy_sim_chip *c);

/* sim_auth.c: Active Authentication and Chip Authentication v1. */
void sim_internal_authenticate(vfy_sim_chip *c, const struct sim_apdu *a, struct sim_resp *r);
void sim_mse_set_kat(vfy_sim_chip *c, const struct sim_apdu *a, struct sim_resp *r);
void sim_mse_set_at_ca(vfy_sim_chip *c, const struct sim_apdu *a, struct sim_resp *r);
void sim_general_authenticate_any(vfy_sim_chip *c, const struct sim_apdu *a, struct sim_resp *r);
/* Switches to the CA session keys once the answer that completed CA was wrapped. */
void sim_auth_after_response(vfy_sim_chip *c);
void sim_auth_reset(vfy_sim_chip *c);
/* The chip's static Chip Authentication private key (an OpenSSL EVP_PKEY), or NULL; used
 * by PACE with the chip authentication mapping. */
struct evp_pkey_st *sim_auth_ca_key(vfy_sim_chip *c);
void sim_auth_free(vfy_sim_chip *c);

#endif
