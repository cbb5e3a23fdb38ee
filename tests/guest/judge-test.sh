#!/bin/sh
# Self-test of the boot judge (tests/guest/boot-steps.py), no QEMU needed:
# every step must be able to pass (judge/good: the lines a complete bring-up
# prints) and must fail when its evidence is missing or contradicted (cases
# derived from judge/good below).  judge/caps-stop is a real boot of
# 2026-11-25 (our QEMU of that day), where i915 aborted at the PVINFO caps
# check.  Prints TAP.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
judge="$here/boot-steps.py"
tmp=$(mktemp -d /tmp/vgt-judge.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
n=0

# case NAME FIXTURE "FAILING STEPS" [EXPECT_TEXT] -- mutation commands run in the copy
check() {
    name=$1; fixture=$2; want=$3; text=$4; shift 4
    n=$((n + 1))
    d="$tmp/$n"
    cp -r "$here/judge/$fixture" "$d"
    (cd "$d" && eval "$*")
    : > "$tmp/none"
    python3 "$judge" "$d" --expected "$tmp/none" --tap "$d/out.tap" --quiet || true
    got=$(awk '$2 == "fail" { printf "%s ", $1 }' "$d/steps.txt" | sed 's/ $//')
    if [ "$got" = "$want" ] && { [ -z "$text" ] || grep -qF -- "$text" "$d/out.tap"; }; then
        echo "ok $n - judge: $name"
    else
        echo "not ok $n - judge: $name"
        echo "#   failing steps: want '$want'"
        echo "#                  got  '$got'"
        [ -z "$text" ] || echo "#   expected text in TAP: $text"
    fi
}

ALL_AFTER_VGPU="ballooned ggtt i915-initialized rings first-requests no-hang dp-edid modeset fbcon screendump no-kernel-warnings unimp-clean"

echo "1..21"
check "a complete bring-up passes every step" good "" "" true
check "today's real boot stops at the caps check (before the boot screen existed)" caps-stop "vga-boot-screen $ALL_AFTER_VGPU" \
    "i915 0000:00:02.0: incompatible vGPU found, support for isolated ppGTT required (then: i915 0000:00:02.0: Device initialization failed (-6))" true
check "no vgt device (QEMU refuses -device vgt)" good \
    "userspace pci-device vga-boot-screen i915-loaded i915-probe vgpu-detected ballooned ggtt i915-initialized rings first-requests no-hang dp-edid modeset fbcon screendump no-kernel-warnings unimp-clean" \
    "QEMU: qemu-system-x86_64: -device vgt,addr=2,id=vgt0: 'vgt' is not a valid device model name" \
    ': > serial.log; rm -f vga-screen.txt; echo "exit 1 0s" > result.txt; echo "qemu-system-x86_64: -device vgt,addr=2,id=vgt0: '"'vgt'"' is not a valid device model name" > qemu.log'
check "wrong PCI identity" good "pci-device unimp-clean" "" \
    "sed -i 's/device=0x0412 class=0x030000/device=0x0412 class=0x038000/' serial.log"
check "vGPU not detected" good "vgpu-detected" "" \
    "sed -i '/Virtual GPU for Intel GVT-g detected/d' serial.log"
check "invalid ballooning" good "ballooned ggtt" "Invalid ballooning configuration" \
    "sed -i 's/VGT balloon successfully/*ERROR* Invalid ballooning configuration!/' serial.log"
check "ring start failure wedges the GT" good "rings first-requests no-hang" "" \
    "sed -i 's/^\(\[    5.100000\].*\)/[    5.000000] i915 0000:00:02.0: [drm] *ERROR* rcs'\''0 initialization failed; ctl 00000000 (valid? 0) head 00000000 [00000000] tail 00000000 [00000000] start 00001000 [expected 00001000]\n[    5.000001] i915 0000:00:02.0: [drm] *ERROR* Failed to restart rcs'\''0 (-5)\n\1/; s/i915_wedged=0/i915_wedged=1/' serial.log"
check "first requests time out: silent wedge" good "first-requests no-hang" "" \
    "sed -i 's/^\(\[    5.100000\].*\)/[    5.050000] CI tainted:0x9 by intel_gt_set_wedged_on_init+0x31\/0x50 [i915]\n\1/; s/i915_wedged=0/i915_wedged=1/' serial.log"
check "the stop line is the first serious error, not a debug 'failed'" good \
    "first-requests no-hang dp-edid modeset" "dp-edid: the display probes the DP monitor through AUX and reads its EDID # TODO i915 stops at: [    5.050000] CI tainted" \
    "sed -i 's/^\(\[    4.500000\].*\)/[    4.410100] i915 0000:00:02.0: [drm:intel_init_pm [i915]] Failed to read display plane latency. Disable CxSR\n\1/; s/^\(\[    5.100000\].*\)/[    5.050000] CI tainted:0x9 by intel_gt_init+0xb3\/0x2f0 [i915]\n\1/; s/i915_wedged=0/i915_wedged=1/; s/edid_bytes=256/edid_bytes=0/' serial.log"
check "QEMU dies in the middle of the boot" good \
    "i915-loaded i915-initialized rings first-requests no-hang dp-edid modeset fbcon screendump no-kernel-warnings" \
    "QEMU ended the boot (exit 134 9s); QEMU: qemu-system-x86_64: ../hw/display/vgt/vgt.c:42: vgt_x: Assertion failed" \
    "sed -i '/Initialized i915/,\$d' serial.log; echo 'exit 134 9s' > result.txt; echo 'qemu-system-x86_64: ../hw/display/vgt/vgt.c:42: vgt_x: Assertion failed' > qemu.log; : > screendump.txt"
check "the blitter engine is not registered" good "rings first-requests" "" \
    "sed -i 's/^VGT-GUEST: engines: bcs0 rcs0/VGT-GUEST: engines: rcs0/' serial.log"
check "a GPU hang after init" good "no-hang" "" \
    "sed -i 's/^\(\[    5.600000\].*\)/[    5.590000] i915 0000:00:02.0: [drm] GPU HANG: ecode 7:0:00000000\n\1/' serial.log"
check "ballooned to other sizes than the device's partition" good "ballooned" "the device has low_gm_sz=256 MiB" \
    "sed -i 's/^low_gm_sz=.*/low_gm_sz=256/' vgt-props.txt"
check "mode differs from the device's monitor" good "modeset" "the device's monitor is 1280x1024" \
    "sed -i 's/^xres=.*/xres=1280/; s/^yres=.*/yres=1024/' vgt-props.txt"
check "no EDID over AUX" good "dp-edid modeset" "" \
    "sed -i 's/edid_bytes=256/edid_bytes=0/' serial.log"
check "screendump differs from the guest's framebuffer" good "screendump" "screendump md5" \
    "sed -i 's/md5=0123456789abcdef0123456789abcdef colours/md5=ffffffffffffffffffffffffffffffff colours/' screendump.txt"
check "no VGA before i915 (the console showed the placeholder)" good "vga-boot-screen" "console: no display" \
    "sed -i 's/^console=.*/console=no display/' vga-screen.txt"
check "a blank VGA screen before i915" good "vga-boot-screen" "colours=1" \
    "sed -i 's/colours=[0-9]*/colours=1/' vga-screen.txt"
check "a kernel warning" good "no-kernel-warnings" "" \
    "sed -i 's/^\(\[    5.600000\].*\)/[    5.550000] WARNING: CPU: 0 PID: 1 at drivers\/gpu\/drm\/i915\/i915_irq.c:275 gen3_assert_iir_is_zero [i915]\n\1/' serial.log"
check "an unimplemented register" good "unimp-clean" "1 line(s)" \
    "echo 'vgt: read of unimplemented register 0x42300 (value 0x00000000): reads as 0' > unimp.log"

# A required step that fails is a plain "not ok" and fails the judge.
n=$((n + 1))
d="$tmp/req"
cp -r "$here/judge/caps-stop" "$d"
printf 'userspace\nballooned\n' > "$tmp/req-steps"
if python3 "$judge" "$d" --expected "$tmp/req-steps" --tap "$d/out.tap" --quiet; then rc=0; else rc=$?; fi
if [ "$rc" = 1 ] && grep -qE '^not ok [0-9]+ - ballooned:' "$d/out.tap" &&
    ! grep -E '^not ok [0-9]+ - ballooned:' "$d/out.tap" | grep -q TODO; then
    echo "ok $n - judge: a required step that fails is a regression (no TODO, exit 1)"
else
    echo "not ok $n - judge: a required step that fails is a regression (rc=$rc)"
fi
