/* vfy readers: the readers of every backend, and whether a document is on each. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static void readers_usage(FILE *f)
{
    fprintf(f,
            "usage: vfy readers [--json]\n"
            "\n"
            "Lists the PC/SC readers (through pcscd), the libnfc devices and the simulated\n"
            "chip, each with the connection string that opens it (vfy read --reader ...) and\n"
            "whether a document is on it. Listing a libnfc device opens it briefly.\n"
            "\n"
            "exit codes:\n"
            "  0  at least one reader was found\n"
            "  2  usage error\n"
            "  3  no reader was found\n");
}

int cmd_readers(int argc, char **argv)
{
    bool json = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0) {
            json = true;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            readers_usage(stdout);
            return VFY_EXIT_OK;
        } else {
            readers_usage(stderr);
            return VFY_EXIT_USAGE;
        }
    }
    vfy_reader_info *list = NULL;
    size_t n = 0;
    vfy_detail d = { 0 };
    vfy_status s = vfy_readers_list(&list, &n, &d);
    if (s != VFY_OK) {
        if (json)
            cli_print_json(cli_error_json(s, &d));
        else
            cli_report("readers", s, &d);
        return cli_exit_for_status(s);
    }
    if (json) {
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:b}", "backend",
                                                 list[i].backend, "connection",
                                                 list[i].connection, "name", list[i].name,
                                                 "card_present", list[i].card_present));
        cli_print_json(json_pack("{s:o}", "readers", arr));
    } else {
        printf("%-7s %-4s %s\n", "BACKEND", "CARD", "CONNECTION (NAME)");
        for (size_t i = 0; i < n; i++)
            printf("%-7s %-4s %s%s%s%s\n", list[i].backend, list[i].card_present ? "yes" : "no",
                   list[i].connection, strcmp(list[i].connection, list[i].name) ? "  (" : "",
                   strcmp(list[i].connection, list[i].name) ? list[i].name : "",
                   strcmp(list[i].connection, list[i].name) ? ")" : "");
    }
    vfy_readers_free(list);
    return n > 0 ? VFY_EXIT_OK : VFY_EXIT_READER;
}
