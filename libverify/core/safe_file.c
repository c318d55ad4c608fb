/*
 * Files the library writes: new files only, mode 0600, never through a link, in 0700
 * folders. Paths are walked one component at a time with O_NOFOLLOW from "/" or the
 * working folder, and every creation is relative to the descriptor of the folder that
 * was checked (openat, mkdirat), so a link planted anywhere on the path — or swapped in
 * after a check — is refused instead of followed. O_EXCL makes "never replace" atomic.
 */
#define _GNU_SOURCE /* O_PATH */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/fail.h"
#include "core/safe_file.h"

#define FIELD "file"
#define PATH_MAX_BYTES 4096

#ifdef O_PATH
#define DIR_WALK_FLAGS O_PATH /* walk folders we may traverse but not list */
#else
#define DIR_WALK_FLAGS O_RDONLY
#endif

static vfy_status io_fail(vfy_detail *detail, const char *what, const char *shown, int err)
{
    return vfy_fail(detail, VFY_E_IO, FIELD, "cannot %s %s: %s", what, shown, strerror(err));
}

/* Why openat(at, name, O_NOFOLLOW|O_DIRECTORY) failed, as a typed status. */
static vfy_status folder_open_failure(int at, const char *name, const char *shown, int err,
                                      vfy_detail *detail)
{
    struct stat st;
    if (fstatat(at, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
        if (S_ISLNK(st.st_mode))
            return vfy_fail(detail, VFY_E_SYMLINK, FIELD,
                            "%s: \"%s\" is a symbolic link, which libverify does not follow "
                            "when writing; give the real path", shown, name);
        if (!S_ISDIR(st.st_mode))
            return vfy_fail(detail, VFY_E_EXISTS, FIELD,
                            "%s: \"%s\" exists and is not a folder", shown, name);
    }
    return io_fail(detail, "open the folder", shown, err);
}

/* Opens `name` below `at` as a folder, refusing a link. `readable`: O_RDONLY (to list
 * it, fchmod it, fsync it); otherwise only to walk through. */
static vfy_status open_folder_at(int at, const char *name, bool readable, const char *shown,
                                 int *out, vfy_detail *detail)
{
    int flags = O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | (readable ? O_RDONLY : DIR_WALK_FLAGS);
    int fd = openat(at, name, flags);
    if (fd < 0)
        return folder_open_failure(at, name, shown, errno, detail);
    *out = fd;
    return VFY_OK;
}

/* Walks `dir` (a mutable copy, "" meaning the working folder) component by component
 * without following links; returns a readable descriptor of the last folder. */
static vfy_status walk_folder(char *dir, const char *shown, int *out, vfy_detail *detail)
{
    int fd = open(dir[0] == '/' ? "/" : ".", O_DIRECTORY | O_CLOEXEC | DIR_WALK_FLAGS);
    if (fd < 0)
        return io_fail(detail, "open the folder of", shown, errno);
    char *save = NULL;
    for (char *comp = strtok_r(dir, "/", &save); comp != NULL; comp = strtok_r(NULL, "/", &save)) {
        if (strcmp(comp, ".") == 0)
            continue;
        int next = -1;
        vfy_status s = open_folder_at(fd, comp, false, shown, &next, detail);
        close(fd);
        if (s != VFY_OK)
            return s;
        fd = next;
    }
    /* Reopen the last folder readable, for fsync (and listing); through ".", no link. */
    int readable = openat(fd, ".", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
    if (readable >= 0) {
        close(fd);
        fd = readable;
    }
    *out = fd;
    return VFY_OK;
}

/* Splits `path` into a copy of its folder (buf, "" for the working folder or "/" kept
 * as "/") and its last component; trailing slashes are dropped when `trailing_ok`. */
static vfy_status split_path(const char *path, bool trailing_ok, char buf[PATH_MAX_BYTES + 2],
                             const char **leaf, vfy_detail *detail)
{
    if (path == NULL || path[0] == '\0')
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, FIELD, "no path given");
    size_t n = strnlen(path, PATH_MAX_BYTES);
    if (n >= PATH_MAX_BYTES)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, FIELD, "the path is too long");
    memcpy(buf, path, n + 1);
    while (n > 1 && buf[n - 1] == '/') {
        if (!trailing_ok)
            return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, FIELD,
                            "%s names a folder, not a file", path);
        buf[--n] = '\0';
    }
    char *slash = strrchr(buf, '/');
    const char *name = slash == NULL ? buf : slash + 1;
    if (name[0] == '\0' || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, FIELD,
                        "%s does not end in a name libverify can create", path);
    if (slash == NULL) {
        /* the name stays in buf; move it so buf can be the (empty) folder */
        memmove(buf + 1, buf, n + 1);
        buf[0] = '\0';
        *leaf = buf + 1;
    } else if (slash == buf) {
        /* "/name": folder "/" */
        memmove(buf + 2, buf + 1, n);
        buf[1] = '\0';
        *leaf = buf + 2;
    } else {
        *slash = '\0';
        *leaf = slash + 1;
    }
    return VFY_OK;
}

static vfy_status folder_is_empty(int fd, const char *shown, bool *empty, vfy_detail *detail)
{
    int copy = dup(fd);
    if (copy < 0)
        return io_fail(detail, "list", shown, errno);
    DIR *d = fdopendir(copy);
    if (d == NULL) {
        int e = errno;
        close(copy);
        return io_fail(detail, "list", shown, e);
    }
    *empty = true;
    errno = 0;
    for (struct dirent *e = readdir(d); e != NULL; e = readdir(d))
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
            *empty = false;
            break;
        }
    int err = errno;
    closedir(d);
    if (*empty && err != 0)
        return io_fail(detail, "list", shown, err);
    return VFY_OK;
}

vfy_status safe_dir_open(const char *path, bool create, unsigned flags, int *dirfd,
                         vfy_detail *detail)
{
    if (dirfd == NULL || (flags & ~VFY_SAVE_ALLOW_EXISTING_DIR) != 0)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, FIELD, "unknown flags or no output");
    *dirfd = -1;
    char buf[PATH_MAX_BYTES + 2];
    const char *leaf;
    if (path != NULL && strcmp(path, "/") == 0)
        return vfy_fail(detail, VFY_E_EXISTS, FIELD, "/ is not a folder for saved files");
    VFY_TRY(split_path(path, true, buf, &leaf, detail));
    int parent;
    VFY_TRY(walk_folder(buf, path, &parent, detail));
    bool created = false;
    if (create) {
        if (mkdirat(parent, leaf, 0700) == 0)
            created = true;
        else if (errno != EEXIST) {
            int e = errno;
            close(parent);
            return io_fail(detail, "create the folder", path, e);
        }
    }
    int fd = -1;
    vfy_status s = open_folder_at(parent, leaf, true, path, &fd, detail);
    if (s == VFY_OK && created) {
        /* the umask may have taken bits away (or a 0 umask given none): state the mode */
        if (fchmod(fd, 0700) != 0)
            s = io_fail(detail, "set the mode of", path, errno);
        safe_dir_sync(parent);
    }
    close(parent);
    if (s == VFY_OK && create && !created && !(flags & VFY_SAVE_ALLOW_EXISTING_DIR)) {
        bool empty = false;
        s = folder_is_empty(fd, path, &empty, detail);
        if (s == VFY_OK && !empty)
            s = vfy_fail(detail, VFY_E_EXISTS, FIELD,
                         "the folder %s exists and holds files; give a new or empty folder",
                         path);
    }
    if (s != VFY_OK) {
        if (fd >= 0)
            close(fd);
        return s;
    }
    *dirfd = fd;
    return VFY_OK;
}

vfy_status safe_file_absent_at(int dirfd, const char *name, const char *shown, vfy_detail *detail)
{
    struct stat st;
    if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
        return vfy_fail(detail, VFY_E_EXISTS, FIELD,
                        "%s exists already%s; libverify never replaces a file", shown,
                        S_ISLNK(st.st_mode) ? " (as a symbolic link)" : "");
    if (errno != ENOENT)
        return io_fail(detail, "look at", shown, errno);
    return VFY_OK;
}

static bool write_all(int fd, const uint8_t *data, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, data, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        data += w;
        len -= (size_t)w;
    }
    return true;
}

vfy_status safe_file_create_at(int dirfd, const char *name, const char *shown,
                               const uint8_t *data, size_t len, vfy_detail *detail)
{
    if (name == NULL || shown == NULL || (data == NULL && len > 0))
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, FIELD, "no name or no data");
    int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        int e = errno;
        if (e == EEXIST)
            return safe_file_absent_at(dirfd, name, shown, detail) == VFY_OK
                       ? io_fail(detail, "create", shown, e)
                       : VFY_E_EXISTS;
        return io_fail(detail, "create", shown, e);
    }
    vfy_status s = VFY_OK;
    struct stat mine;
    bool known = fstat(fd, &mine) == 0;
    if (!known || fchmod(fd, 0600) != 0)
        s = io_fail(detail, "set the mode of", shown, errno);
    else if (!write_all(fd, data, len))
        s = io_fail(detail, "write", shown, errno);
    else if (fsync(fd) != 0)
        s = io_fail(detail, "flush", shown, errno);
    if (close(fd) != 0 && s == VFY_OK)
        s = io_fail(detail, "write", shown, errno);
    if (s != VFY_OK) {
        /* Remove what we created, and only that: the name may have been swapped since. */
        struct stat now;
        if (known && fstatat(dirfd, name, &now, AT_SYMLINK_NOFOLLOW) == 0 &&
            now.st_dev == mine.st_dev &&
            now.st_ino == mine.st_ino)
            (void)unlinkat(dirfd, name, 0);
    }
    return s;
}

void safe_dir_sync(int dirfd)
{
    /* Durability of the new names; a folder that cannot be fsync'd loses nothing else. */
    (void)fsync(dirfd);
}

vfy_status vfy_write_new_file(const char *path, const uint8_t *data, size_t len,
                              vfy_detail *detail)
{
    if (data == NULL && len > 0)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, FIELD, "no data");
    char buf[PATH_MAX_BYTES + 2];
    const char *leaf;
    VFY_TRY(split_path(path, false, buf, &leaf, detail));
    int dirfd;
    VFY_TRY(walk_folder(buf, path, &dirfd, detail));
    vfy_status s = safe_file_create_at(dirfd, leaf, path, data, len, detail);
    if (s == VFY_OK)
        safe_dir_sync(dirfd);
    close(dirfd);
    return s;
}
