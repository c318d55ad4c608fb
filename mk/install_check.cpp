// The public API from C++ (a Qt or GTK kiosk UI): every header through the collision-free
// path <libverify/verify.h>, C linkage, the option initialisers, and a call into the
// installed shared library. Built by mk/check-install.sh with -std=c++20 -pedantic.
#include <libverify/verify.h>

#include <cstdio>
#include <cstring>

int main()
{
    const char *l1 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<";
    const char *l2 = "L898902C36UTO7408122F3404159ZE184226B<<<<<16";
    const char *lines[] = { l1, l2 };
    vfy_mrz mrz;
    vfy_detail d;
    vfy_detail_clear(&d);
    if (vfy_mrz_parse_lines(lines, 2, nullptr, &mrz, &d) != VFY_OK) {
        std::fprintf(stderr, "mrz: %s\n", d.message);
        return 1;
    }
    vfy_inspect_options options = VFY_INSPECT_OPTIONS_INIT;
    vfy_trust_import_options import_options = VFY_TRUST_IMPORT_OPTIONS_INIT;
    if (options.size == 0 || import_options.size == 0)
        return 1;
    std::printf("libverify %s from C++: %s\n", vfy_version(), vfy_status_name(VFY_E_DOWNGRADE));
    return std::strcmp(vfy_version(), VFY_VERSION_STRING) == 0 ? 0 : 1;
}
