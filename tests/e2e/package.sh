#!/usr/bin/env bash
# scripts/package builds a tarball and a .deb that hold everything an install needs, and the
# tarball installs into a clean prefix with the same files `cargo pgrx install` puts in place.
source "$(dirname "$0")/common.sh"
"$E2E_ROOT/scripts/package" >/dev/null 2>&1 || { check "scripts/package ran" "ok" "failed"; finish; exit 1; }
version=$(sed -n 's/^version = "\(.*\)"/\1/p' "$E2E_ROOT/Cargo.toml")
tarball=$(ls "$E2E_ROOT"/target/package/revenue_split-"$version"-pg15-*.tar.gz)
deb=$(ls "$E2E_ROOT"/target/package/postgresql-15-revenue-split_"$version"_*.deb)
listing=$(tar -tzf "$tarball")
for f in lib/postgresql/15/lib/revenue_split.so share/postgresql/15/extension/revenue_split.control \
         "share/postgresql/15/extension/revenue_split--$version.sql" \
         share/postgresql/15/extension/revenue_split--0.1.0.sql \
         share/postgresql/15/extension/revenue_split--0.1.0--0.2.0.sql \
         share/postgresql/15/extension/revenue_split--0.2.0.sql \
         share/postgresql/15/extension/revenue_split--0.2.0--0.3.0.sql; do
    check "tarball holds $f" "yes" "$(grep -q "usr/$f\$" <<< "$listing" && echo yes || echo no)"
done
check "the .deb holds the same files" "$(grep -c 'revenue_split' <<< "$listing")" \
    "$(dpkg-deb -c "$deb" | grep -c 'revenue_split')"
check "the .deb names its version" "$version" "$(dpkg-deb -f "$deb" Version)"
scratch=$(mktemp -d)
tar -C "$scratch" -xzf "$tarball"
check "unpacked control file is the installed one" \
    "$(md5sum < /usr/share/postgresql/15/extension/revenue_split.control)" \
    "$(md5sum < "$scratch/usr/share/postgresql/15/extension/revenue_split.control")"
check "unpacked install script is the installed one" \
    "$(md5sum < "/usr/share/postgresql/15/extension/revenue_split--$version.sql")" \
    "$(md5sum < "$scratch/usr/share/postgresql/15/extension/revenue_split--$version.sql")"
rm -rf "$scratch"
finish
