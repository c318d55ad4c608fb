#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chip_vectors.h"
#include "support.h"

json_t *vec_load(const char *name)
{
    char rel[256], buf[1024];
    snprintf(rel, sizeof rel, "vectors/emrtd/%s", name);
    const char *path = SHARED_PATH(rel, buf);
    json_error_t err;
    json_t *root = json_load_file(path, 0, &err);
    cr_assert_not_null(root, "cannot parse %s: %s", path, err.text);
    return root;
}

static json_t *lookup(json_t *root, const char *path)
{
    char tmp[256];
    snprintf(tmp, sizeof tmp, "%s", path);
    json_t *cur = root;
    for (char *save = NULL, *tok = strtok_r(tmp, ".", &save); tok != NULL && cur != NULL;
         tok = strtok_r(NULL, ".", &save)) {
        if (json_is_array(cur))
            cur = json_array_get(cur, strtoul(tok, NULL, 10));
        else
            cur = json_object_get(cur, tok);
    }
    return cur;
}

const char *vec_str(json_t *root, const char *path)
{
    json_t *v = lookup(root, path);
    cr_assert(json_is_string(v), "vector field %s missing", path);
    return json_string_value(v);
}

uint8_t *vec_hex(json_t *root, const char *path, size_t *len)
{
    return hex_decode(vec_str(root, path), len);
}

void vec_expect(json_t *root, const char *path, const uint8_t *got, size_t got_len)
{
    size_t n;
    uint8_t *want = vec_hex(root, path, &n);
    char *g = hex_encode(got, got_len);
    cr_expect(n == got_len && memcmp(want, got, n) == 0, "%s: got %s, want %s", path, g,
              vec_str(root, path));
    free(g);
    free(want);
}

/* ---- fake transport ---------------------------------------------------------------------- */

static vfy_status fake_transmit(vfy_transport *t, const uint8_t *cmd, size_t cmd_len,
                                uint8_t *resp, size_t resp_cap, size_t *resp_len,
                                vfy_detail *detail)
{
    fake_transport *f = (fake_transport *)t;
    (void)detail;
    if (f->next >= f->n_steps) {
        f->mismatches++;
        return VFY_E_TRANSPORT;
    }
    fake_step *s = &f->steps[f->next++];
    if (s->cmd != NULL && (s->cmd_len != cmd_len || memcmp(s->cmd, cmd, cmd_len) != 0)) {
        if (f->mismatches++ == 0) {
            char *g = hex_encode(cmd, cmd_len), *w = hex_encode(s->cmd, s->cmd_len);
            snprintf(f->first_mismatch, sizeof f->first_mismatch, "step %zu: sent %s, want %s",
                     f->next - 1, g, w);
            free(g);
            free(w);
        }
    }
    if (s->rsp_len > resp_cap)
        return VFY_E_READER_LIMIT;
    memcpy(resp, s->rsp, s->rsp_len);
    *resp_len = s->rsp_len;
    return VFY_OK;
}

static void fake_close(vfy_transport *t) { (void)t; }

static const struct vfy_transport_ops fake_ops = {
    .name = "fake",
    .transmit = fake_transmit,
    .close = fake_close,
};

void fake_init(fake_transport *f, bool extended)
{
    memset(f, 0, sizeof *f);
    f->t.ops = &fake_ops;
    f->t.caps.max_command = extended ? 65544 : 261;
    f->t.caps.max_response = extended ? 65538 : 258;
    f->t.caps.extended_length = extended;
}

void fake_add_hex(fake_transport *f, const char *cmd_hex, const char *rsp_hex)
{
    cr_assert(f->n_steps < sizeof f->steps / sizeof f->steps[0]);
    fake_step *s = &f->steps[f->n_steps++];
    s->cmd = cmd_hex != NULL ? hex_decode(cmd_hex, &s->cmd_len) : NULL;
    s->rsp = hex_decode(rsp_hex, &s->rsp_len);
}

void fake_free(fake_transport *f)
{
    for (size_t i = 0; i < f->n_steps; i++) {
        free(f->steps[i].cmd);
        free(f->steps[i].rsp);
    }
    f->n_steps = 0;
}

/* ---- scripted rng ---------------------------------------------------------------------- */

static vfy_status script_rng_fn(void *ctx, uint8_t *out, size_t len)
{
    script_rng *r = ctx;
    if (r->next >= r->n || r->lens[r->next] != len)
        return VFY_E_CRYPTO;
    memcpy(out, r->chunks[r->next], len);
    r->next++;
    return VFY_OK;
}

void script_rng_add(script_rng *r, const uint8_t *b, size_t n)
{
    cr_assert(r->n < 16);
    r->chunks[r->n] = malloc(n);
    memcpy(r->chunks[r->n], b, n);
    r->lens[r->n++] = n;
}

void script_rng_add_hex(script_rng *r, const char *hex)
{
    size_t n;
    uint8_t *b = hex_decode(hex, &n);
    script_rng_add(r, b, n);
    free(b);
}

vfy_rng script_rng_as_rng(script_rng *r)
{
    vfy_rng g = { .fn = script_rng_fn, .ctx = r };
    return g;
}

void script_rng_free(script_rng *r)
{
    for (size_t i = 0; i < r->n; i++)
        free(r->chunks[i]);
    r->n = r->next = 0;
}
