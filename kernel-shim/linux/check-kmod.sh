#!/bin/sh
# check-kmod.sh - `make check-kmod` (mk/kmod.mk): vgt.ko built -Werror
# against the 6.1 headers, its modinfo, the kernel's checkpatch on
# kernel-shim/linux, sparse (when installed), vgt-kstress, and `dkms build`
# of the DKMS tree in a scratch DKMS tree.  TAP on stdout.  The module is
# never loaded here.
# Environment (from mk/kmod.mk): TOP MAKE KMOD_KO KMOD_BUILD KMOD_KDIR
# KMOD_KVER KMOD_CHECKPATCH KMOD_OWN KMOD_DKMS KMOD_VERSION
set -u
n=0
ok()    { n=$((n + 1)); echo "ok $n - $*"; }
notok() { n=$((n + 1)); echo "not ok $n - $*"; }
diag()  { sed 's/^/# /'; }

# 1. the module
if [ -z "$KMOD_KDIR" ]; then
    notok "vgt.ko: no /usr/src/linux-headers-6.1.*-amd64 installed"
    echo "1..$n"
    exit 0
fi
out=$($MAKE -s --no-print-directory -C "$TOP" kmod 2>&1)
rc=$?
if [ "$rc" = 0 ] && [ -f "$KMOD_KO" ]; then
    ok "vgt.ko builds against $(basename "$KMOD_KDIR") (-Werror)"
else
    notok "vgt.ko builds against $(basename "$KMOD_KDIR") (-Werror)"
    printf '%s\n' "$out" | tail -n 30 | diag
fi
w=$(grep -E 'warning:|WARNING:' "$KMOD_BUILD/kmod.log" 2>/dev/null)
if [ -z "$w" ]; then
    ok "kbuild and modpost say nothing (no warnings, no undefined symbols)"
else
    notok "kbuild and modpost warnings"
    printf '%s\n' "$w" | head -n 20 | diag
fi

# 2. modinfo
if [ -f "$KMOD_KO" ]; then
    vm=$(modinfo -F vermagic "$KMOD_KO")
    case "$vm" in
    "$KMOD_KVER "*) ok "vermagic is the headers' kernel ($KMOD_KVER)" ;;
    *) notok "vermagic is the headers' kernel ($KMOD_KVER): it is '$vm'" ;;
    esac
    aliases=$(modinfo -F alias "$KMOD_KO")
    nal=$(printf '%s\n' "$aliases" | grep -c '^pci:v00008086d0000')
    if printf '%s\n' "$aliases" | grep -q '^pci:v00008086d00000412sv\*sd\*bc03sc\*i\*$' &&
        [ "$nal" = 60 ]; then
        ok "PCI aliases: the 60 Haswell GT IDs, display class (8086:0412 among them)"
    else
        notok "PCI aliases: the 60 Haswell GT IDs ($nal)"
        printf '%s\n' "$aliases" | head -n 5 | diag
    fi
    parms=$(modinfo -F parm "$KMOD_KO" | cut -d: -f1 | tr '\n' ' ')
    ok "module parameters: $parms"
fi

# 3. the kernel's checkpatch on our files
if [ ! -f "$KMOD_CHECKPATCH" ]; then
    notok "kernel checkpatch.pl missing ($KMOD_CHECKPATCH; make checkpatch fetches it)"
else
    for f in $KMOD_OWN; do
        res=$(perl "$KMOD_CHECKPATCH" --no-tree --strict --terse \
            --show-types -f "$f" 2>&1 | grep -v '^total: 0 errors, 0 warnings, 0 checks')
        if [ -z "$res" ]; then
            ok "checkpatch --strict: ${f#"$TOP"/}"
        else
            notok "checkpatch --strict: ${f#"$TOP"/}"
            printf '%s\n' "$res" | head -n 20 | diag
        fi
    done
    # userspace (stdint types): the default checks
    f="$TOP/kernel-shim/linux/vgt-kstress.c"
    res=$(perl "$KMOD_CHECKPATCH" --no-tree --terse -f "$f" 2>&1 |
        grep -v '^total: 0 errors, 0 warnings')
    if [ -z "$res" ]; then
        ok "checkpatch: kernel-shim/linux/vgt-kstress.c"
    else
        notok "checkpatch: kernel-shim/linux/vgt-kstress.c"
        printf '%s\n' "$res" | head -n 20 | diag
    fi
fi

# 4. sparse (optional)
if command -v sparse >/dev/null 2>&1; then
    sp=$($MAKE -s -C "$KMOD_KDIR" M="$KMOD_BUILD" C=2 CHECK=sparse modules 2>&1 |
        grep -v '^Skipping BTF')
    own=$(printf '%s\n' "$sp" | grep -E '/linux/vgt-[a-z]+\.[ch]:')
    if [ -z "$own" ]; then
        ok "sparse: nothing on kernel-shim/linux"
    else
        notok "sparse on kernel-shim/linux"
        printf '%s\n' "$own" | head -n 20 | diag
    fi
    other=$(printf '%s\n' "$sp" | grep -E ':[0-9]+:[0-9]+: (warning|error)' |
        grep -vE '/linux/vgt-[a-z]+\.[ch]:')
    [ -n "$other" ] && printf '%s\n' "$other" | head -n 10 | diag
else
    ok "sparse # SKIP not installed (apt-get install sparse)"
fi

# 5. vgt-kstress
ks="$TOP/build/helper/vgt-kstress"
"$ks" >/dev/null 2>&1
rc=$?
if [ -x "$ks" ] && [ "$rc" = 2 ]; then
    ok "vgt-kstress builds and prints its usage ($(ldd "$ks" 2>/dev/null | grep -c '=>') shared libraries)"
else
    notok "vgt-kstress builds and prints its usage (status $rc)"
fi

# 6. the DKMS tree and `dkms build` of it
out=$($MAKE -s --no-print-directory -C "$TOP" dkms-tree 2>&1)
tree="$KMOD_DKMS/vgt-$KMOD_VERSION"
if [ -f "$tree/dkms.conf" ] && [ -f "$tree/Kbuild" ]; then
    ok "make dkms-tree: $(find "$tree" -type f | wc -l) files in ${tree#"$TOP"/}"
else
    notok "make dkms-tree"
    printf '%s\n' "$out" | tail -n 10 | diag
fi
if ! command -v dkms >/dev/null 2>&1; then
    notok "dkms build: dkms not installed (DEB_PACKAGES has it: make deps)"
elif [ -f "$tree/dkms.conf" ]; then
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/vgt-dkms.XXXXXX")
    mkdir -p "$tmp/src" "$tmp/tree"
    cp -r "$tree" "$tmp/src/"
    if dkms add -m vgt -v "$KMOD_VERSION" --dkmstree "$tmp/tree" \
            --sourcetree "$tmp/src" > "$tmp/dkms.log" 2>&1 &&
        dkms build -m vgt -v "$KMOD_VERSION" -k "$KMOD_KVER" \
            --dkmstree "$tmp/tree" --sourcetree "$tmp/src" \
            --kernelsourcedir "$KMOD_KDIR" >> "$tmp/dkms.log" 2>&1; then
        ko=$(find "$tmp/tree/vgt" -name 'vgt.ko*' -path '*/module/*' | head -n 1)
        if [ -n "$ko" ] && modinfo -F vermagic "$ko" | grep -q "^$KMOD_KVER "; then
            ok "dkms build vgt/$KMOD_VERSION for $KMOD_KVER (scratch --dkmstree/--sourcetree)"
        else
            notok "dkms build produced no vgt.ko for $KMOD_KVER"
            tail -n 20 "$tmp/dkms.log" | diag
        fi
    else
        notok "dkms build vgt/$KMOD_VERSION for $KMOD_KVER"
        tail -n 20 "$tmp/dkms.log" | diag
        find "$tmp/tree" -name make.log -exec tail -n 20 {} \; | diag
    fi
    rm -rf "$tmp"
fi
echo "1..$n"
