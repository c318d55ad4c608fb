#include <stdio.h>

#include "cli.h"

int cmd_version(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("vfy %s (libverify %s)\n", VFY_VERSION_STRING, vfy_version());
    return VFY_EXIT_OK;
}
