/* The service's bearer token file (service/serve.h). */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "serve.h"
#include "verify/files.h"

#define TOKEN_BYTES 32u
#define TOKEN_MIN_CHARS 32u

static vfy_status create_token(const char *path, char *token, size_t cap, vfy_detail *d)
{
    uint8_t raw[TOKEN_BYTES];
    if (cap < 2 * TOKEN_BYTES + 1)
        return vfy_detail_set(d, VFY_E_INVALID_ARGUMENT, "token", "token buffer too small");
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(token, cap, raw, sizeof raw);
    sodium_memzero(raw, sizeof raw);
    char line[2 * TOKEN_BYTES + 1];
    memcpy(line, token, 2 * TOKEN_BYTES);
    line[2 * TOKEN_BYTES] = '\n';
    vfy_status s = vfy_write_new_file(path, (const uint8_t *)line, sizeof line, d);
    sodium_memzero(line, sizeof line);
    return s;
}

vfy_status serve_token_load(const char *path, char *token, size_t cap, vfy_detail *d)
{
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT)
        return create_token(path, token, cap, d);
    if (fd < 0)
        return vfy_detail_set(d, errno == ELOOP ? VFY_E_SYMLINK : VFY_E_IO, "token",
                        "cannot open the token file %.200s: %s", path, strerror(errno));
    struct stat st;
    vfy_status s = VFY_OK;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        s = vfy_detail_set(d, VFY_E_IO, "token", "the token file %.200s is not a regular file", path);
    else if ((st.st_mode & 077) != 0)
        s = vfy_detail_set(d, VFY_E_IO, "token",
                     "the token file %.200s may be read by others (mode %03o); chmod 600 it",
                     path, (unsigned)(st.st_mode & 0777));
    ssize_t n = 0;
    if (s == VFY_OK) {
        n = read(fd, token, cap - 1);
        if (n < 0)
            s = vfy_detail_set(d, VFY_E_IO, "token", "cannot read the token file %.200s", path);
    }
    close(fd);
    if (s != VFY_OK)
        return s;
    while (n > 0 && (token[n - 1] == '\n' || token[n - 1] == '\r'))
        n--;
    token[n] = '\0';
    for (ssize_t i = 0; i < n; i++)
        if ((unsigned char)token[i] <= ' ' || (unsigned char)token[i] > '~')
            s = VFY_E_IO;
    if (s != VFY_OK || (size_t)n < TOKEN_MIN_CHARS || (size_t)n >= cap - 1) {
        sodium_memzero(token, cap);
        return vfy_detail_set(d, VFY_E_IO, "token",
                        "the token in %.200s must be one line of 32 to %zu printable characters",
                        path, cap - 2);
    }
    return VFY_OK;
}
