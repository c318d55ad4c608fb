#include "verify/version.h"

const char *vfy_version(void)
{
    return VFY_VERSION_STRING;
}

unsigned vfy_version_number(void)
{
    return VFY_VERSION_NUMBER;
}
