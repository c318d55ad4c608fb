/* The JSON peer check of fuzz/json_common.c, for tests/test_json_tape.c. */
#include "../fuzz/json_common.c"
