#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# t/integration/namespace.sh - the name space through the gateway: CREATE of
# directories (RFC 8881 section 18.4), READDIR of 10,000 entries (section
# 18.23, many round trips with cookies and verifiers that the gateway must
# pass through unchanged), RENAME inside and across directories and over an
# existing target (section 18.26), REMOVE (section 18.25), GETATTR and
# SETATTR of mode, owner and size (sections 18.7, 18.30). Each result is
# checked against the export on disk.
. "$(dirname "$0")/../lib/harness.sh"
harness_require_nfsc
harness_start

# Attribute of a "stat" line: attr LINE KEY
attr() { sed -n "s/.*\\b$2=\\([^ ]*\\).*/\\1/p" <<<"$1"; }

check "mkdir a" nfsc mkdir "$(nfspath a)"
check "mkdir a/b (nested)" nfsc mkdir "$(nfspath a/b)"
check "mkdir c" nfsc mkdir "$(nfspath c)"
check "directories exist on the export" test -d "$EXPORT_DIR/a/b" -a -d "$EXPORT_DIR/c"
check_exit "mkdir of an existing name is an NFS error" 1 nfsc mkdir "$(nfspath a)"
st=$(nfsc stat "$(nfspath a)" || true)
check_eq "stat of a directory says type=dir" dir "$(attr "$st" type)"
check_eq "directory nlink (., .., b)" "$(stat -c %h "$EXPORT_DIR/a")" "$(attr "$st" nlink)"

echo hello >f.txt
check "put a/f.txt" nfsc put f.txt "$(nfspath a/f.txt)"
check_eq "ls a" "$(printf 'b\nf.txt')" "$(nfsc ls "$(nfspath a)" || true)"
check_eq "ls / shows our entries" "$(LC_ALL=C ls -1 "$EXPORT_DIR")" "$(nfsc ls "$(nfspath /)" || true)"

# GETATTR fields against the on-disk inode.
st=$(nfsc stat "$(nfspath a/f.txt)" || true)
note "stat a/f.txt: $st"
check_eq "stat type" reg "$(attr "$st" type)"
check_eq "stat size" 6 "$(attr "$st" size)"
check_eq "stat mode" "$(stat -c %04a "$EXPORT_DIR/a/f.txt")" "$(attr "$st" mode)"
check_eq "stat uid" "$(stat -c %u "$EXPORT_DIR/a/f.txt")" "$(attr "$st" uid)"
check_eq "stat gid" "$(stat -c %g "$EXPORT_DIR/a/f.txt")" "$(attr "$st" gid)"
check_eq "stat nlink" 1 "$(attr "$st" nlink)"
check_eq "stat fileid is the inode number" "$(stat -c %i "$EXPORT_DIR/a/f.txt")" "$(attr "$st" fileid)"

# SETATTR mode and owner (numeric owners, Only_Numeric_Owners in ganesha.conf).
check "chmod 0600" nfsc chmod 0600 "$(nfspath a/f.txt)"
check_eq "mode on disk after chmod" 600 "$(stat -c %a "$EXPORT_DIR/a/f.txt")"
check "chown 1234:5678" nfsc chown 1234:5678 "$(nfspath a/f.txt)"
check_eq "owner on disk after chown" 1234:5678 "$(stat -c %u:%g "$EXPORT_DIR/a/f.txt")"
st=$(nfsc stat "$(nfspath a/f.txt)" || true)
check_eq "stat shows the new owner" "1234 5678 0600" "$(attr "$st" uid) $(attr "$st" gid) $(attr "$st" mode)"

# Handles: the same object gives the same handle twice; distinct objects differ.
h1=$(nfsc getfh "$(nfspath a/f.txt)" || true)
h2=$(nfsc getfh "$(nfspath a/f.txt)" || true)
h3=$(nfsc getfh "$(nfspath c)" || true)
check "getfh is stable" test -n "$h1" -a "$h1" = "$h2"
check "getfh differs between objects" test -n "$h3" -a "$h1" != "$h3"

# RENAME in one directory, across directories, and over an existing file.
check "rename a/f.txt -> a/g.txt" nfsc mv "$(nfspath a/f.txt)" "$(nfspath a/g.txt)"
check "rename: old name gone, new name on disk" test ! -e "$EXPORT_DIR/a/f.txt" -a -f "$EXPORT_DIR/a/g.txt"
check "rename a/g.txt -> c/h.txt (across directories)" nfsc mv "$(nfspath a/g.txt)" "$(nfspath c/h.txt)"
check_same "cross-directory rename keeps the data" f.txt "$EXPORT_DIR/c/h.txt"
check "source directory no longer lists it" test -z "$(nfsc ls "$(nfspath a)" | grep -x g.txt || true)"
echo other >o.txt
check "put c/o.txt" nfsc put o.txt "$(nfspath c/o.txt)"
check "rename c/o.txt over c/h.txt" nfsc mv "$(nfspath c/o.txt)" "$(nfspath c/h.txt)"
check_same "rename over an existing file replaces it" o.txt "$EXPORT_DIR/c/h.txt"
check "rename a directory into another" nfsc mv "$(nfspath a/b)" "$(nfspath c/b2)"
check "moved directory on disk" test -d "$EXPORT_DIR/c/b2" -a ! -e "$EXPORT_DIR/a/b"
check_exit "rename of a missing name is an NFS error" 1 nfsc mv "$(nfspath a/nope)" "$(nfspath a/nope2)"

# REMOVE and RMDIR.
check_exit "rmdir of a non-empty directory is an NFS error" 1 nfsc rmdir "$(nfspath c)"
check "rm c/h.txt" nfsc rm "$(nfspath c/h.txt)"
check "rm: gone from disk" test ! -e "$EXPORT_DIR/c/h.txt"
check_exit "stat of a removed file is an NFS error" 1 nfsc stat "$(nfspath c/h.txt)"
check "rmdir c/b2" nfsc rmdir "$(nfspath c/b2)"
check "rmdir c" nfsc rmdir "$(nfspath c)"
check "rmdir: gone from disk" test ! -e "$EXPORT_DIR/c"

# READDIR of 10,000 entries, created through the gateway.
check "mkdir big" nfsc mkdir "$(nfspath big)"
check "create 10000 files in big" nfsc -n 32 mkdirs "$(nfspath big)" 10000
check_eq "10000 files on disk" 10000 "$(find "$EXPORT_DIR/big" -mindepth 1 -maxdepth 1 -type f | wc -l)"
nfsc ls "$(nfspath big)" >big.ls || true
check_eq "readdir returns 10000 names" 10000 "$(wc -l <big.ls)"
LC_ALL=C ls -1 "$EXPORT_DIR/big" >big.disk
check_same "readdir names equal the directory on disk" big.disk big.ls
check_eq "first and last names" "f000000 f009999" "$(head -1 big.ls) $(tail -1 big.ls)"
harness_done
