/* Internal: the closed vocabularies of a case (ICAO 9303-3 codes, Schengen states). */
#ifndef VFY_RULES_VOCABULARY_H
#define VFY_RULES_VOCABULARY_H

#include <stdbool.h>

/* A nationality or issuing-state code of ICAO Doc 9303-3 (three letters; DEU, not D). */
bool rv_icao_code(const char *code);
/* A state that applies the Visa Code: a valid destination of a short-stay visa. */
bool rv_schengen_state(const char *code);

#endif
