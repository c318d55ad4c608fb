/* Internal: the MRZ's JSON object (schema libverify.mrz/1), for serializers that nest it
 * (the "mrz" of an inspection); vfy_mrz_to_json (verify/mrz.h) is its text form. */
#ifndef VFY_MRZ_JSON_H
#define VFY_MRZ_JSON_H

#include <jansson.h>

#include "verify/mrz.h"

json_t *vfy_mrz_json_object_(const vfy_mrz *mrz, unsigned flags);

#endif
