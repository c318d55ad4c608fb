/* Shared helpers of the rules tests: engines over the shipped data, decisions as JSON
 * through the API or through the CLI, and assertions on dimensions and trails. */
#ifndef VFY_TEST_RULES_SUPPORT_H
#define VFY_TEST_RULES_SUPPORT_H

#include <stdbool.h>
#include <jansson.h>

#include "verify.h"

#define RULES_DEV_PUB "data/rules/keys/DEVELOPMENT-ONLY-rules-signing.pub"
#define RULES_DEV_KEY "data/rules/keys/DEVELOPMENT-ONLY-rules-signing.key"
#define RULES_UTO_OVERLAY "tests/data/rules/overlay-25a-uto-hypothetical.json"
#define RULES_DEU_BILATERAL "tests/data/rules/bilateral-deu-kaz-hypothetical.json"

/* The dev trust store, loaded from the repository. */
vfy_rules_trust *rules_dev_trust(void);
/* An engine over every shipped set in data/rules plus `extra` (NULL-terminated repo
 * paths, may be NULL), in `mode`, trusting the development key. Status refusals are
 * allowed (they are listed by the engine); any other failure fails the test. */
vfy_rules_engine *rules_engine(vfy_rules_mode mode, const char *const *extra);
/* tests/data/rules/cases/NAME.json parsed. */
vfy_rules_case *rules_case(const char *name);
/* The decision JSON for tests/data/rules/cases/NAME.json through the C API. */
json_t *rules_api(vfy_rules_mode mode, const char *const *extra, const char *name);
/* The same through `vfy rules eval --json`. */
json_t *rules_cli(vfy_rules_mode mode, const char *const *extra, const char *name);

json_t *rules_dim(json_t *root, const char *dim);
const char *rules_modality(json_t *root, const char *dim);
/* The step for rule `rule` in a dimension's trail (first match), or NULL. */
json_t *rules_step(json_t *root, const char *dim, const char *rule);
/* Its result ("won", "beaten", "failed", ...) or "" when absent. */
const char *rules_result(json_t *root, const char *dim, const char *rule);
/* An alternative offered for a dimension by `rule`, or NULL. */
json_t *rules_alternative(json_t *root, const char *dim, const char *rule);
/* Whether a dimension's "missing" list names the JSON path `path`. */
bool rules_missing_has(json_t *root, const char *dim, const char *path);

#endif
