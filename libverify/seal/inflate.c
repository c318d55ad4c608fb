/* zlib inflation with a hard output limit. */
#include <zlib.h>

#include "core/fail.h"
#include "seal/inflate.h"

vfy_status seal_inflate(vfy_cursor *c, uint8_t *out, size_t limit, size_t *out_len)
{
    const uint8_t *in;
    size_t in_len;
    size_t start = c->pos;
    vfy_cur_rest(c, &in, &in_len);
    c->pos = start;
    if (in_len > UINT_MAX || limit >= UINT_MAX)
        return vfy_cur_fail(c, VFY_E_LIMIT, "compressed data of %zu bytes is too large", in_len);
    z_stream z = { 0 };
    if (inflateInit2(&z, 15) != Z_OK) /* 15: zlib wrapper only, Adler-32 checked */
        return vfy_cur_fail(c, VFY_E_NO_MEMORY, "zlib could not start");
    z.next_in = (Bytef *)in;
    z.avail_in = (uInt)in_len;
    z.next_out = out;
    z.avail_out = (uInt)limit + 1; /* one byte more than allowed tells a bomb */
    int rc = inflate(&z, Z_FINISH);
    size_t produced = z.total_out;
    size_t left_in = z.avail_in;
    const char *msg = z.msg != NULL ? z.msg : "corrupt stream";
    vfy_status s = VFY_OK;
    if (rc == Z_STREAM_END && produced > limit)
        s = VFY_E_DECOMPRESSION_BOMB;
    else if (rc == Z_STREAM_END && left_in != 0)
        s = vfy_cur_fail(c, VFY_E_TRAILING_BYTES, "%zu bytes follow the end of the zlib stream", left_in);
    else if (rc == Z_STREAM_END)
        s = VFY_OK;
    else if ((rc == Z_BUF_ERROR || rc == Z_OK) && z.avail_out == 0)
        s = VFY_E_DECOMPRESSION_BOMB;
    else if (rc == Z_BUF_ERROR)
        s = vfy_cur_fail(c, VFY_E_INFLATE, "the zlib stream is cut short");
    else if (rc == Z_MEM_ERROR)
        s = vfy_cur_fail(c, VFY_E_NO_MEMORY, "zlib ran out of memory");
    else
        s = vfy_cur_fail(c, VFY_E_INFLATE, "zlib: %s", msg);
    inflateEnd(&z);
    if (s == VFY_E_DECOMPRESSION_BOMB)
        return vfy_cur_fail(c, VFY_E_DECOMPRESSION_BOMB,
                            "the compressed payload inflates to more than %zu bytes; refused", limit);
    if (s != VFY_OK)
        return s;
    c->pos = c->len;
    *out_len = produced;
    return VFY_OK;
}
