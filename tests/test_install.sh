#!/usr/bin/env bash
# test_install.sh BUILD_DIR: `cmake --install` into a temporary prefix, then
# build and run a program against it with nothing but pkg-config's flags.
set -euo pipefail
build=$1
prefix=$(mktemp -d /tmp/ct_install.XXXXXX)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
for f in include/contend/counter.h include/contend/ct_common.h lib/libcontend.a lib/pkgconfig/contend.pc; do
  [[ -f $prefix/$f ]] || { echo "FAIL: $f not installed"; exit 1; }
done
cat > "$prefix/app.c" <<'C'
#include <contend/counter.h>
#include <stdio.h>
int main(void)
{
    ct_counter *c = ct_counter_new("sharded", 2);
    if (!c) return 1;
    ct_counter_add(c, 0, 40);
    ct_counter_add(c, 1, 2);
    unsigned long long v = ct_counter_read(c, 0);
    ct_counter_free(c);
    printf("%llu\n", v);
    return v == 42 ? 0 : 1;
}
C
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
cc -std=c11 -Wall -Werror -o "$prefix/app" "$prefix/app.c" $(pkg-config --cflags --libs contend)
out=$("$prefix/app")
[[ $out == 42 ]] || { echo "FAIL: installed library computed '$out', not 42"; exit 1; }
echo "install: ok (headers, libcontend.a, contend.pc; a consumer built and ran)"
