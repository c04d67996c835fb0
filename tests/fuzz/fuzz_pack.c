/* libFuzzer target: the pack reader. The first byte picks the part:
 * even, the input is a git delta applied to a fixed base; odd, the input
 * is the body of a pack file (after its 12-byte header) whose index lists
 * eight objects at offsets taken from the input's next bytes. Either is
 * refused or read within bounds; a read object has the length it claims. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pack.h"
#include "util.h"

#define NOBJ 8

static char dir[64];

static void put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

static void fuzz_delta(const uint8_t *data, size_t size)
{
    static const char base[] = "tree 0123456789abcdef base text\n\0with a NUL and more bytes after it";
    unsigned char *out = NULL;
    size_t len = 0;
    if (pack_delta_apply((const unsigned char *)base, sizeof base, data, size, &out, &len) == 0 && out[len] != '\0')
        abort();
    free(out);
}

/* An index of NOBJ ids (byte 0 = i) at offsets from the input. */
static void write_idx(const char *path, const uint8_t *data, size_t size, size_t pack_size)
{
    unsigned char idx[8 + 256 * 4 + NOBJ * 28 + 40];
    memset(idx, 0, sizeof idx);
    memcpy(idx, "\377tOc", 4);
    put32(idx + 4, 2);
    for (int b = 0; b < 256; b++) put32(idx + 8 + 4 * b, b < NOBJ ? (uint32_t)b + 1 : NOBJ);
    unsigned char *ids = idx + 8 + 1024, *offsets = ids + NOBJ * 24;
    for (int i = 0; i < NOBJ; i++) {
        ids[i * 20] = (unsigned char)i;
        uint32_t off = 12 + (uint32_t)(i < (int)size ? data[i] : i) * 7 % (uint32_t)(pack_size - 31);
        put32(offsets + i * 4, i == NOBJ - 1 ? 0x80000000u : off);   /* the last: a bad large offset */
    }
    file_write(path, idx, sizeof idx);
}

static void fuzz_pack(const uint8_t *data, size_t size)
{
    buf pack = BUF_INIT;
    unsigned char head[12] = {'P', 'A', 'C', 'K', 0, 0, 0, 2, 0, 0, 0, NOBJ};
    buf_put(&pack, head, sizeof head);
    buf_put(&pack, data, size);
    buf_put(&pack, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 20);
    char *pack_path = xasprintf("%s/pack/pack-f.pack", dir), *idx_path = xasprintf("%s/pack/pack-f.idx", dir);
    file_write(pack_path, pack.ptr, pack.len);
    write_idx(idx_path, data, size, pack.len);
    for (size_t budget = 0; budget <= 4096; budget += 4096) {
        pack_store *s = pack_store_open(dir, budget, 2);
        for (int i = 0; i < NOBJ; i++) {
            unsigned char id[20] = {(unsigned char)i};
            const pack_object *o;
            char err[160];
            if (pack_read(s, id, &o, err, sizeof err) == 1) {
                if (o->data[o->len] != '\0' || o->type < PACK_COMMIT || o->type > PACK_TAG) abort();
                pack_object_release(s, o);
            }
        }
        pack_store_free(s);
    }
    free(pack_path);
    free(idx_path);
    buf_free(&pack);
}

static void remove_dir(void)
{
    remove_tree(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "/tmp/vetted-fuzz-pack-%d", (int)getpid());
        atexit(remove_dir);
        char *p = xasprintf("%s/pack", dir);
        mkdir_p(p);
        free(p);
    }
    if (!size) return 0;
    if (data[0] % 2 == 0) fuzz_delta(data + 1, size - 1);
    else fuzz_pack(data + 1, size - 1);
    return 0;
}
