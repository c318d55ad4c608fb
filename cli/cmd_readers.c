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
            CLI_VERBOSITY_HELP
            "\n"
            "exit codes:\n"
            "  0  at least one reader (PC/SC or libnfc) was found\n"
            "  2  usage error\n"
            "  3  no PC/SC or libnfc reader was found (the simulated chip does not count);\n"
            "     a backend that cannot be asked (pcscd not running) says why\n");
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
            return cli_unknown_option("readers", argv[i]);
        }
    }
    vfy_reader_info *list = NULL;
    size_t n = 0;
    vfy_detail d = { 0 };
    vfy_reader_backend backends[VFY_READER_BACKENDS];
    vfy_status s = vfy_readers_list_backends(&list, &n, backends, &d);
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
        json_t *b = json_array();
        for (size_t i = 0; i < VFY_READER_BACKENDS; i++) {
            vfy_detail bd = { 0 };
            bd.offset = VFY_NO_OFFSET;
            snprintf(bd.message, sizeof bd.message, "%s", backends[i].message);
            json_array_append_new(b, json_pack("{s:s, s:b, s:o}", "backend", backends[i].backend, "available",
                                               backends[i].status == VFY_OK,
                                               "error", backends[i].status == VFY_OK
                                                            ? json_null()
                                                            : cli_error_json(backends[i].status, &bd)));
        }
        cli_print_json(json_pack("{s:s, s:o, s:o}", "schema", "libverify.readers/1", "readers", arr, "backends", b));
    } else {
        printf("%-7s %-4s %s\n", "BACKEND", "CARD", "CONNECTION (NAME)");
        for (size_t i = 0; i < n; i++)
            printf("%-7s %-4s %s%s%s%s\n", list[i].backend, list[i].card_present ? "yes" : "no",
                   list[i].connection, strcmp(list[i].connection, list[i].name) ? "  (" : "",
                   strcmp(list[i].connection, list[i].name) ? list[i].name : "",
                   strcmp(list[i].connection, list[i].name) ? ")" : "");
    }
    if (!json)
        for (size_t i = 0; i < VFY_READER_BACKENDS; i++)
            if (backends[i].status != VFY_OK)
                printf("%-7s no reader: %s\n", backends[i].backend, backends[i].message);
    /* The simulated chip is always there; a kiosk needs a real reader: exit 3 without one. */
    size_t hardware = 0;
    for (size_t i = 0; i < n; i++)
        hardware += strcmp(list[i].backend, "sim") != 0;
    vfy_readers_free(list);
    return hardware > 0 ? VFY_EXIT_OK : VFY_EXIT_READER;
}
