/*
 * libverify — machine-readable zones (ICAO Doc 9303 parts 3 to 7).
 *
 * Formats: TD1 (3 x 30), TD2 (2 x 36), TD3 (2 x 44), MRV-A (2 x 44), MRV-B (2 x 36),
 * detected from the line lengths and the document code. Every check digit is
 * verified (weights 7-3-1) and each format's composite check digit; visas have none.
 *
 * A parse that recognises the layout returns VFY_OK and fills the structure even when
 * check digits fail: `valid` is then false and `errors` says which field failed where,
 * each with its status. Besides the check digits, the parser reports what 9303-3 to -7
 * forbid: a document code whose first letter the format does not allow (TD1 and TD2
 * cards A, C or I; TD3 P; visas V) or whose second letter its note forbids
 * (VFY_E_MRZ_DOCUMENT_CODE), and an issuing state or nationality outside the codes of
 * 9303-3 (VFY_E_MRZ_STATE_CODE).
 * Input that is not an MRZ at all (wrong line lengths, a character outside A-Z, 0-9
 * and '<') fails with a status and a vfy_detail naming the line and column.
 *
 * Dates: two-digit years are placed in a century relative to a reference date the
 * caller passes (see vfy_mrz_options). A birth date is the latest date with its digits
 * that is not after the reference date; an expiry date is the year with its digits in
 * (reference - 50 years, reference + 50 years]. Unknown parts ('<<') are reported as
 * unknown (0), never invented; a date whose year is unknown gets no century.
 *
 * Input hygiene: CR/LF and surrounding blanks are dropped, blank lines skipped, a
 * single line of exactly 72, 88 or 90 characters is split. OCR repair is opt-in and
 * only applies corrections that a check digit proves; every one is listed in
 * `repairs`. docs/mrz.md gives the rules and the choices made where implementations
 * disagree (long TD1/TD2 document numbers: the check digit excludes the '<' filler).
 *
 * Thread safety: parsing keeps no state between calls (today's date is read per call
 * with gmtime_r); any number of threads may parse at once.
 */
#ifndef VERIFY_MRZ_H
#define VERIFY_MRZ_H

#include <time.h>

#include "common.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum vfy_mrz_format {
    VFY_MRZ_UNKNOWN = 0,
    VFY_MRZ_TD1,
    VFY_MRZ_TD2,
    VFY_MRZ_TD3,
    VFY_MRZ_MRVA,
    VFY_MRZ_MRVB,
} vfy_mrz_format;

/* A calendar date; any part that the MRZ leaves unknown is 0. */
typedef struct vfy_date {
    int year;
    int month;
    int day;
} vfy_date;

/* The result of one check digit. */
typedef enum vfy_check {
    VFY_CHECK_ABSENT = 0, /* the format has no such check digit */
    VFY_CHECK_OK,
    VFY_CHECK_FAILED,
} vfy_check;


typedef struct vfy_mrz_error {
    vfy_status status; /* VFY_E_MRZ_CHECK_DIGIT, _FIELD, _DATE, _DOCUMENT_CODE, _STATE_CODE */
    char field[VFY_MRZ_FIELD_NAME_MAX];   /* "document_number", "birth_date", "composite", ... */
    unsigned line;    /* 1-based */
    unsigned column;  /* 1-based */
    char message[VFY_MRZ_MESSAGE_MAX];
} vfy_mrz_error;

/* An OCR correction proposed by vfy_mrz_parse with repair enabled. */
typedef struct vfy_mrz_repair {
    char field[VFY_MRZ_FIELD_NAME_MAX];
    unsigned line, column;
    char from, to;
} vfy_mrz_repair;

typedef struct vfy_mrz {
    vfy_mrz_format format;
    char lines[VFY_MRZ_MAX_LINES][VFY_MRZ_LINE_MAX];  /* the lines as parsed (after any repair) */
    unsigned line_count;

    char document_code[VFY_MRZ_DOCUMENT_CODE_MAX];     /* "P", "I", "V", "AC", ... ('<' removed) */
    char issuing_state[VFY_ALPHA3_MAX];     /* three letters, '<' fill removed: "D", "UTO" */
    char surname[VFY_MRZ_NAME_MAX];          /* primary identifier, '<' as space */
    char given_names[VFY_MRZ_NAME_MAX];      /* secondary identifier, '<' as space */
    bool name_truncated;       /* the name fills its field: it may have been cut */
    char document_number[VFY_MRZ_DOCUMENT_NUMBER_MAX];  /* TD1/TD2 numbers longer than 9 continue in optional data */
    bool document_number_extended; /* it did: '<' at the check digit, rest in optional data */
    char nationality[VFY_ALPHA3_MAX];
    vfy_date birth_date;
    char birth_date_raw[VFY_MRZ_DATE_RAW_MAX];    /* YYMMDD as printed */
    char sex;                  /* 'M', 'F', 'X' (also for '<') */
    vfy_date expiry_date;
    char expiry_date_raw[VFY_MRZ_DATE_RAW_MAX];
    char optional_data[VFY_MRZ_OPTIONAL_DATA_MAX];    /* TD1 line 1 / TD2, TD3, visas; '<' fill removed */
    char optional_data_2[VFY_MRZ_OPTIONAL_DATA_MAX];  /* TD1 line 2 only */

    /* The check digits as printed, for access-control key derivation. */
    char document_number_cd, birth_date_cd, expiry_date_cd;

    vfy_check check_document_number;
    vfy_check check_birth_date;
    vfy_check check_expiry_date;
    vfy_check check_optional_data; /* TD3 personal-number check digit */
    vfy_check check_composite;

    bool valid;                    /* every check passed and every field is well-formed */
    unsigned error_count;
    vfy_mrz_error errors[VFY_MRZ_MAX_ERRORS];
    unsigned repair_count;
    vfy_mrz_repair repairs[VFY_MRZ_MAX_REPAIRS];
} vfy_mrz;

typedef struct vfy_mrz_options {
    vfy_date today;  /* reference date for the century rule; all zero means the system date */
    bool repair;     /* propose OCR corrections proven by check digits */
} vfy_mrz_options;

/*
 * Parses `len` bytes of MRZ text: two or three lines separated by LF or CR LF, or
 * joined when the total length fits exactly one format. Surrounding whitespace is
 * stripped. `options` may be NULL (today's date, no repair).
 */
VFY_API VFY_NODISCARD VFY_NONNULL(1, 4) vfy_status vfy_mrz_parse(const char *text, size_t len,
                                               const vfy_mrz_options *options, vfy_mrz *out,
                                               vfy_detail *detail);

/* Parses already separated lines. */
VFY_API VFY_NODISCARD VFY_NONNULL(1, 4) vfy_status vfy_mrz_parse_lines(const char *const *lines, size_t count,
                                                     const vfy_mrz_options *options,
                                                     vfy_mrz *out, vfy_detail *detail);

/* The 7-3-1 check digit of n characters of A-Z, 0-9 and '<' ('0'..'9'), or -1 if a
 * character is outside that set. */
VFY_API int vfy_mrz_check_digit(const char *s, size_t n);

/* "TD1", "TD2", "TD3", "MRVA", "MRVB". */
VFY_API const char *vfy_mrz_format_name(vfy_mrz_format format);

/* Whether `code` (fill removed: "D", "UTO") is one of the codes of ICAO Doc 9303-3
 * section 5: ISO 3166-1 alpha-3 plus ICAO's own (D, GBD..GBS, RKS, EUE, UNO, UNA, UNK,
 * XBA..XPO, XXA..XXX, the withdrawn ANT and NTZ, and the specimen UTO). The parser
 * reports an issuing state or nationality outside it as VFY_E_MRZ_STATE_CODE. */
VFY_API bool vfy_mrz_code_known(const char *code);

/* What one of ICAO's own codes means (UNO, XXA, XOM, D, UTO ...), for display; NULL for
 * a plain ISO 3166-1 code and for an unknown one. */
VFY_API const char *vfy_mrz_code_description(const char *code);

/*
 * The BAC/PACE password of ICAO 9303-11 (MRZ_information): document number padded
 * with '<' to at least 9 characters, its check digit, birth date YYMMDD, its check
 * digit, expiry date YYMMDD, its check digit. Written NUL-terminated into `out`.
 */
VFY_API VFY_NODISCARD VFY_NONNULL(1, 2) vfy_status vfy_mrz_key_input(const vfy_mrz *mrz, char out[VFY_MRZ_KEY_INPUT_MAX],
                                                   vfy_detail *detail);
/* The same from the three values typed by an officer; check digits are computed. */
VFY_API VFY_NODISCARD VFY_NONNULL(1, 2, 3, 4) vfy_status vfy_mrz_key_input_from(const char *document_number,
                                                        const char *birth_yymmdd,
                                                        const char *expiry_yymmdd,
                                                        char out[VFY_MRZ_KEY_INPUT_MAX],
                                                        vfy_detail *detail);

/*
 * Whether the document had expired at `at` (0: now), from its expiry date: 1 expired (the
 * expiry day is before the day of `at`, UTC), 0 not expired, -1 unknown (no full expiry
 * date). Separate from `valid`, which says only that the format and check digits hold.
 */
VFY_API int vfy_mrz_expired(const vfy_mrz *mrz, time_t at);

/* Whether every check digit the format has holds (none is VFY_CHECK_FAILED): what the
 * check digits prove, apart from `valid`, which also needs every field well-formed and
 * the codes 9303 allows. */
VFY_API bool vfy_mrz_check_digits_ok(const vfy_mrz *mrz);

/* ISO 8601, reduced to the known leading parts ("1974", "1974-08"); NULL when the year is
 * unknown or a known day follows an unknown month. */
VFY_API const char *vfy_date_iso(vfy_date date, char buf[VFY_DATE_ISO_MAX]);

/* vfy_mrz_to_json flag: add the repairs made and the lines as repaired. */
#define VFY_MRZ_JSON_REPAIRS 0x100u

/*
 * The MRZ as JSON, schema "libverify.mrz/1" (docs/schema/mrz.schema.json): format,
 * fields, dates (ISO 8601 and raw), check digits (true, false or null when absent),
 * valid, errors; with VFY_MRZ_JSON_REPAIRS also repairs and lines. Release with
 * vfy_free. VFY_JSON_PRETTY for indentation.
 */
VFY_API char *vfy_mrz_to_json(const vfy_mrz *mrz, unsigned flags);

#ifdef __cplusplus
}
#endif

#endif
