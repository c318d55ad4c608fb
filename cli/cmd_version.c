#include <stdio.h>
#include <string.h>

#include "cli.h"

int cmd_version(int argc, char **argv)
{
    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        printf("usage: vfy version\n\nPrints the versions of vfy and of the libverify it runs with.\n");
        return VFY_EXIT_OK;
    }
    if (argc > 1)
        return cli_unknown_option("version", argv[1]);
    printf("vfy %s (libverify %s)\n", VFY_VERSION_STRING, vfy_version());
    return VFY_EXIT_OK;
}
